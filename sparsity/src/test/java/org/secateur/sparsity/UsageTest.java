package org.secateur.sparsity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.secateur.nn.Losses;
import org.secateur.nn.Models;
import org.secateur.nn.Parameter;
import org.secateur.nn.Sequential;
import org.secateur.optim.SGD;
import org.secateur.sparsity.criteria.Magnitude;
import org.secateur.sparsity.report.SparsityReport;
import org.secateur.sparsity.train.Evaluation;
import org.secateur.sparsity.train.Schedule;
import org.secateur.sparsity.train.ScheduledPruning;
import org.secateur.sparsity.train.Trainer;
import org.secateur.sparsity.train.TrainingListener;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/** The package's example, end to end on random data: iterative global magnitude pruning of LeNet-300-100 to 90%. */
class UsageTest {

    @Test
    void pruneLeNet300100GloballyToNinetyPercentWhileRetraining() {
        Rng rng = new Rng(42);
        List<Minibatch> train = random(rng, 2);
        List<Minibatch> test = random(rng, 1);
        List<Evaluation> evaluations = new ArrayList<>();

        Sequential model = Models.lenet300100(rng.split());
        Map<String, Parameter> weights = Pruning.prunableWeights(model);
        ScheduledPruning pruning = new ScheduledPruning(model, weights, new Magnitude(), Pruner.global(0.9),
                Schedule.iterative(3, 2 * train.size()));    // 3 rounds of 2 epochs: 53.6%, 78.5%, 90%
        new Trainer(model, new SGD(model.parameters(), 0.01, 0.9, 0), Losses::crossEntropy)
                .listen(pruning)
                .listen(TrainingListener.afterEachEpoch(e -> evaluations.add(Evaluation.of(model, test, Losses::crossEntropy))))
                .fit(6, epoch -> train);
        SparsityReport report = SparsityReport.of(model, 784);

        assertThat(pruning.isComplete()).isTrue();
        assertThat(evaluations).hasSize(6);
        assertThat(report.zeros()).isEqualTo(Math.round(0.9 * 266_200));
        assertThat(report.compression()).isCloseTo(10, org.assertj.core.api.Assertions.within(1e-3));
        assertThat(report.toMarkdown()).contains("| **total** | 266200 | 26620 | 90.00% | 532400 | 53240 (10.0%) |");
    }

    private static List<Minibatch> random(Rng rng, int batches) {
        List<Minibatch> out = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            int[] labels = new int[16];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = rng.nextInt(10);
            }
            out.add(new Minibatch(Tensor.normal(rng.split(), 0, 1, DType.F32, 16, 1, 28, 28), labels));
        }
        return out;
    }
}
