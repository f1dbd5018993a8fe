package org.secateur.sparsity.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.secateur.nn.Models;
import org.secateur.nn.Parameter;
import org.secateur.nn.Sequential;
import org.secateur.sparsity.Granularity;
import org.secateur.sparsity.Norm;
import org.secateur.sparsity.Pruning;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/** Counts and FLOPs against Han et al.'s LeNet tables and by hand for convolutions. */
class SparsityReportTest {

    @Test
    void leNet300100MatchesHansTableDenseAndCountsExactlyWhenPruned() {
        Sequential model = Models.lenet300100(new Rng(1));
        SparsityReport dense = SparsityReport.of(model, 784);
        assertThat(dense.layers()).extracting(LayerSparsity::name).containsExactly("1.weight", "3.weight", "5.weight");
        // Han et al. 2015, Table 2: fc1 235K weights / 470K FLOP, fc2 30K / 60K, fc3 1K / 2K
        assertThat(dense.layers()).extracting(LayerSparsity::denseFlops).containsExactly(470_400L, 60_000L, 2_000L);
        assertThat(dense.numel()).isEqualTo(266_200);
        assertThat(dense.zeros()).isZero();

        Pruning.globalUnstructured(Pruning.prunableWeights(model), 0.9);
        SparsityReport pruned = SparsityReport.of(model, 784);
        assertThat(pruned.zeros()).isEqualTo(Math.round(0.9 * 266_200));
        assertThat(pruned.sparsity()).isCloseTo(0.9, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(pruned.compression()).isCloseTo(10, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(pruned.flops()).isEqualTo(2 * pruned.nonZeros());
        for (LayerSparsity l : pruned.layers()) {
            assertThat(l.flops()).isEqualTo(2 * l.nonZeros());
        }
        assertThat(pruned.collapsedLayers()).isEmpty();
        assertThat(pruned.toMarkdown()).contains("| 1.weight | 235200 |").contains("| **total** | 266200 | 26620 | 90.00% |");
    }

    @Test
    void convolutionFlopsScaleWithTheOutputPositionsAndFollowStructuredPruning() {
        Sequential model = Models.lenet5(new Rng(2));
        model.train(true);
        SparsityReport dense = SparsityReport.of(model, 1, 28, 28);
        // conv1 keeps 28x28 (padding 2), conv2 gives 10x10
        assertThat(dense.layers()).extracting(LayerSparsity::denseFlops)
                .containsExactly(2L * 150 * 784, 2L * 2400 * 100, 2L * 48_000, 2L * 10_080, 2L * 840);
        assertThat(model.isTraining()).isTrue();
        Map<String, Parameter> weights = Pruning.prunableWeights(model);
        Pruning.lnStructured(weights.get("3.weight"), 0.5, Norm.L1, Granularity.filter());
        Pruning.customFromMask(weights.get("11.weight"), Tensor.zeros(DType.F32, 10, 84));
        SparsityReport pruned = SparsityReport.of(model, 1, 28, 28);
        assertThat(pruned.layers().get(1).flops()).isEqualTo(2L * 1200 * 100);
        assertThat(pruned.collapsedLayers()).containsExactly("11.weight");
        // the hooks are gone: a second report counts the same
        assertThat(SparsityReport.of(model, 1, 28, 28)).isEqualTo(pruned);
    }
}
