package org.secateur.sparsity.criteria;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.secateur.nn.Activation;
import org.secateur.nn.Linear;
import org.secateur.nn.Models;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.nn.Sequential;
import org.secateur.sparsity.Pruner;
import org.secateur.sparsity.Pruning;
import org.secateur.sparsity.report.SparsityReport;
import org.secateur.sparsity.train.Schedule;
import org.secateur.sparsity.train.ScheduledPruning;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

/** SynFlow conserves synaptic flow layer by layer, leaves the model as it found it, and prunes over rounds. */
class SynFlowTest {

    @Test
    void perLayerScoreSumsAreEqualOnABiasFreeReluMlp() {
        qt().withExamples(20).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            int depth = 2 + r.nextInt(3);
            List<Module> layers = new ArrayList<>();
            int width = 1 + r.nextInt(12);
            int in = width;
            for (int l = 0; l < depth; l++) {
                int next = 1 + r.nextInt(12);
                layers.add(new Linear(width, next, false, r.split()));
                if (l + 1 < depth) {
                    layers.add(Activation.relu());
                }
                width = next;
            }
            Sequential model = new Sequential(layers.toArray(Module[]::new));
            model.to(DType.F64);
            Map<String, Parameter> weights = Pruning.prunableWeights(model);
            Map<String, Tensor> scores = new SynFlow(in).scores(model, weights).values();
            double first = scores.values().iterator().next().sum().item();
            assertThat(first).isPositive();
            for (Map.Entry<String, Tensor> e : scores.entrySet()) {
                assertThat(e.getValue().sum().item()).as(e.getKey()).isCloseTo(first, org.assertj.core.data.Offset.offset(1e-9 * first));
            }
        });
    }

    @Test
    void theSignedStateAndTheModeAreRestoredExactly() {
        Sequential model = Models.lenet5(new Rng(21));
        model.train(true);
        Map<String, Tensor> before = copies(model);
        Map<String, Parameter> weights = Pruning.prunableWeights(model);
        Pruning.randomUnstructured(weights.get("0.weight"), 0.5, new Rng(22));
        Tensor mask = weights.get("0.weight").mask().copy();
        Map<String, Tensor> scores = new SynFlow(1, 28, 28).scores(model, weights).values();
        before.forEach((name, t) -> assertThat(model.namedParameters().get(name).data().contentEquals(t)).as(name).isTrue());
        assertThat(model.isTraining()).isTrue();
        assertThat(weights.get("0.weight").mask().contentEquals(mask)).isTrue();
        model.parameters().forEach(p -> assertThat(p.grad()).isNull());
        for (int i = 0; i < mask.numel(); i++) {
            if (mask.getFlat(i) == 0) {
                assertThat(scores.get("0.weight").getFlat(i)).as("pruned entry %d", i).isZero();
            }
        }
    }

    @Test
    void roundsAtInitialisationReachTheTargetWithoutCollapsingLeNet() {
        Sequential model = Models.lenet300100(new Rng(23));
        Map<String, Parameter> weights = Pruning.prunableWeights(model);
        ScheduledPruning synflow = new ScheduledPruning(model, weights, new SynFlow(784), Pruner.global(0.99),
                Schedule.atInit(20));
        assertThat(synflow.applyDue(0)).isEqualTo(20);
        assertThat(synflow.isComplete()).isTrue();
        SparsityReport report = SparsityReport.of(model, 784);
        assertThat(report.zeros()).isEqualTo(Math.round(0.99 * report.numel()));
        assertThat(report.collapsedLayers()).isEmpty();
    }

    private static Map<String, Tensor> copies(Module model) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> out.put(name, p.data().copy()));
        return out;
    }
}
