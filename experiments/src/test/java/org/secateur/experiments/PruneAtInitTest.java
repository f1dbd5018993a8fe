package org.secateur.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.secateur.nn.Models;
import org.secateur.nn.Parameter;
import org.secateur.nn.Sequential;
import org.secateur.sparsity.Pruner;
import org.secateur.sparsity.Pruning;
import org.secateur.sparsity.criteria.SynFlow;
import org.secateur.sparsity.report.SparsityReport;
import org.secateur.sparsity.train.Schedule;
import org.secateur.sparsity.train.ScheduledPruning;
import org.secateur.tensor.Rng;

class PruneAtInitTest {

    @Test
    void iterativeSynFlowOnABiasFreeFlowKeepsOnePathThroughEveryLayerAtTheMaximalCompression() {
        Sequential net = Models.lenet300100(new Rng(1));
        Map<String, Parameter> weights = Pruning.prunableWeights(net);
        Map<String, double[]> biases = new LinkedHashMap<>();
        net.namedParameters().forEach((n, p) -> {
            if (n.endsWith("bias")) {
                biases.put(n, p.data().toDoubleArray());
            }
        });
        // 100,000x: 3 of the 266,200 weights are left, the fewest that can connect input to output
        new ScheduledPruning(net, weights, new PruneAtInit.WithoutBiases(new SynFlow(784)), Pruner.global(1 - 1e-5),
                Schedule.atInit(100)).applyDue(0);
        SparsityReport r = SparsityReport.of(net, 784);
        assertThat(r.nonZeros()).isEqualTo(3);
        assertThat(r.collapsedLayers()).isEmpty();
        // the scoring left the biases as they were, bit for bit
        biases.forEach((n, b) -> assertThat(net.namedParameters().get(n).data().toDoubleArray()).as(n).containsExactly(b));
    }

    @Test
    void theCollapseGridRunsFromTenToOneHundredThousandAndHoldsTheTrainingLevels() {
        for (boolean quick : new boolean[] {true, false}) {
            double[] grid = PruneAtInit.compressionGrid(quick);
            assertThat(grid[0]).isEqualTo(10);
            assertThat(grid[grid.length - 1]).isEqualTo(100_000, org.assertj.core.api.Assertions.within(1e-6));
            for (double level : PruneAtInit.LEVELS) {
                double c = 1 / (1 - level);
                assertThat(java.util.Arrays.stream(grid).anyMatch(g -> Math.abs(g - c) < 1e-6 * c))
                        .as("%s in the grid", c).isTrue();
            }
            for (int i = 1; i < grid.length; i++) {
                assertThat(grid[i]).isGreaterThan(grid[i - 1] * (1 + 1e-6));
            }
        }
    }
}
