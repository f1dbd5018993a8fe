package org.secateur.sparsity.criteria;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.secateur.nn.Losses;
import org.secateur.nn.Parameter;
import org.secateur.sparsity.Minibatch;
import org.secateur.sparsity.Pruning;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

/** SNIP's normalised saliency does not depend on the loss's scale and sums to one. */
class SnipTest {

    @Test
    void scoresAreInvariantToScalingTheLoss() {
        qt().withExamples(20).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            TwoLayerNet net = new TwoLayerNet(r, 2 + r.nextInt(5), 2 + r.nextInt(6), 2 + r.nextInt(3));
            List<Minibatch> batch = TwoLayerNet.batches(r, 1, 2 + r.nextInt(8), net.in, net.out);
            Map<String, Parameter> weights = Pruning.prunableWeights(net.model);
            double alpha = Math.exp(r.nextDouble() * 12 - 6);
            Map<String, Tensor> taylor = new Taylor(batch, Losses::crossEntropy).scores(net.model, weights).values();
            double total = taylor.values().stream().mapToDouble(t -> t.sum().item()).sum();
            if (total == 0) {
                // a tiny net whose hidden units are all dead on the batch: nothing to normalise, and SNIP says so
                assertThatThrownBy(() -> new Snip(batch, Losses::crossEntropy).scores(net.model, weights))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is 0.0");
                return;
            }
            Map<String, Tensor> plain = new Snip(batch, Losses::crossEntropy).scores(net.model, weights).values();
            Map<String, Tensor> scaled = new Snip(batch, (out, y) -> Losses.crossEntropy(out, y).mul(alpha))
                    .scores(net.model, weights).values();
            double sum = 0;
            for (String name : weights.keySet()) {
                for (int i = 0; i < plain.get(name).numel(); i++) {
                    double s = plain.get(name).getFlat(i);
                    sum += s;
                    assertThat(scaled.get(name).getFlat(i)).as("scaled by %s", alpha).isCloseTo(s, within(s));
                    assertThat(s).isCloseTo(taylor.get(name).getFlat(i) / total, within(s));
                }
            }
            assertThat(sum).isCloseTo(1, within(1));
        });
    }

    private static org.assertj.core.data.Offset<Double> within(double v) {
        return org.assertj.core.data.Offset.offset(1e-12 * Math.max(1e-300, Math.abs(v)) + 1e-15);
    }
}
