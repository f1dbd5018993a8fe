package org.secateur.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/** Default initialisations have PyTorch's distributions. */
class InitTest {

    /** Values within [-b, b] whose mean, variance and ten-bin histogram fit U(-b, b). */
    private static void assertUniform(Tensor t, double b) {
        double[] v = t.toDoubleArray();
        int n = v.length;
        double mean = 0;
        int[] bins = new int[10];
        for (double x : v) {
            assertThat(Math.abs(x)).isLessThanOrEqualTo(b);
            mean += x / n;
            bins[Math.min(9, (int) ((x + b) / (2 * b) * 10))]++;
        }
        double var = 0;
        for (double x : v) {
            var += (x - mean) * (x - mean) / n;
        }
        // U(-b, b): mean 0 (standard error b / sqrt(3n)), variance b^2 / 3; each bin expects n / 10.
        assertThat(mean).isCloseTo(0, within(5 * b / Math.sqrt(3.0 * n)));
        assertThat(var).isCloseTo(b * b / 3, within(0.05 * b * b / 3));
        for (int count : bins) {
            assertThat((double) count).isCloseTo(n / 10.0, within(5 * Math.sqrt(n / 10.0)));
        }
    }

    @Test
    void linearWeightsAndBiasAreUniformWithinOneOverSqrtFanIn() {
        Linear l = new Linear(100, 200, new Rng(1));
        assertUniform(l.weight.data(), 1 / Math.sqrt(100));
        for (double x : l.bias.data().toDoubleArray()) {
            assertThat(Math.abs(x)).isLessThanOrEqualTo(1 / Math.sqrt(100));
        }
    }

    @Test
    void conv2dWeightsAndBiasAreUniformWithinOneOverSqrtFanIn() {
        Conv2d c = new Conv2d(8, 64, 3, new Rng(2));
        double b = 1 / Math.sqrt(8 * 3 * 3);
        assertUniform(c.weight.data(), b);
        for (double x : c.bias.data().toDoubleArray()) {
            assertThat(Math.abs(x)).isLessThanOrEqualTo(b);
        }
    }

    @Test
    void groupedConvFanInCountsOneGroupsChannels() {
        Conv2d c = new Conv2d(8, 64, 3, 1, 1, 1, 4, false, new Rng(3));
        assertUniform(c.weight.data(), 1 / Math.sqrt(2 * 3 * 3));
    }

    @Test
    void normalisationLayersStartAsTheIdentityMap() {
        BatchNorm bn = BatchNorm.batchNorm2d(5);
        assertThat(bn.weight.data().toDoubleArray()).containsOnly(1);
        assertThat(bn.bias.data().toDoubleArray()).containsOnly(0);
        assertThat(bn.runningMean().toDoubleArray()).containsOnly(0);
        assertThat(bn.runningVar().toDoubleArray()).containsOnly(1);
        assertThat(bn.numBatchesTracked()).isZero();
        LayerNorm ln = new LayerNorm(4);
        assertThat(ln.weight.data().toDoubleArray()).containsOnly(1);
        assertThat(ln.bias.data().toDoubleArray()).containsOnly(0);
    }

    @Test
    void embeddingIsStandardNormal() {
        double[] v = new Embedding(100, 100, new Rng(4)).weight.data().toDoubleArray();
        double mean = 0;
        double sq = 0;
        for (double x : v) {
            mean += x / v.length;
            sq += x * x / v.length;
        }
        assertThat(mean).isCloseTo(0, within(0.05));
        assertThat(sq - mean * mean).isCloseTo(1, within(0.05));
    }
}
