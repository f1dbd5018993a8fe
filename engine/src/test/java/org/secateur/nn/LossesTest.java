package org.secateur.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;

import org.junit.jupiter.api.Test;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

/** Losses against values computed by hand, and their input validation. */
class LossesTest {
    private static final double TOL = 1e-12;
    private static final double LN3 = Math.log(3);

    /** Two rows whose softmax is [1/2, 1/2] and [1/4, 3/4]. */
    private static Tensor logits() {
        return Tensor.of(new double[] {0, 0, 0, LN3}, 2, 2);
    }

    @Test
    void crossEntropyIsTheNegativeLogProbabilityOfTheLabel() {
        int[] y = {0, 1};
        double row0 = Math.log(2);
        double row1 = Math.log(4.0 / 3);
        assertThat(Losses.crossEntropy(logits(), y).item()).isCloseTo((row0 + row1) / 2, within(TOL));
        assertThat(Losses.crossEntropy(logits(), y, Reduction.SUM, 0).item()).isCloseTo(row0 + row1, within(TOL));
        assertThat(Losses.crossEntropy(logits(), y, Reduction.NONE, 0).toDoubleArray())
                .containsExactly(new double[] {row0, row1}, within(TOL));
        assertThat(Losses.crossEntropy(logits(), new int[] {1, 0}, Reduction.NONE, 0).get(1))
                .isCloseTo(Math.log(4), within(TOL));
    }

    @Test
    void labelSmoothingFollowsPyTorchsFormula() {
        double eps = 0.1;
        // per row: (1 - eps) * (-log p_y) + eps * mean_c(-log p_c)
        double row0 = (1 - eps) * Math.log(2) + eps * Math.log(2);
        double row1 = (1 - eps) * Math.log(4.0 / 3) + eps * (Math.log(4) + Math.log(4.0 / 3)) / 2;
        assertThat(Losses.crossEntropy(logits(), new int[] {0, 1}, Reduction.MEAN, eps).item())
                .isCloseTo((row0 + row1) / 2, within(TOL));
    }

    @Test
    void labelSmoothingEqualsSoftTargetsMixedWithTheUniformDistribution() {
        qt().withExamples(20).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            int n = 1 + r.nextInt(4);
            int c = 2 + r.nextInt(4);
            double eps = r.nextDouble();
            int[] y = new int[n];
            Tensor q = Tensor.zeros(DType.F64, n, c);
            for (int i = 0; i < n; i++) {
                y[i] = r.nextInt(c);
                for (int j = 0; j < c; j++) {
                    q.setFlat(i * c + j, (j == y[i] ? 1 - eps : 0) + eps / c);
                }
            }
            Tensor z = Generators.normal(r.nextLong(), DType.F64, n, c);
            assertThat(Losses.crossEntropy(z, y, Reduction.MEAN, eps).item())
                    .isCloseTo(Losses.crossEntropy(z, q).item(), within(1e-12));
        });
    }

    @Test
    void softTargetCrossEntropyAveragesOverTheTargetDistribution() {
        Tensor q = Tensor.of(new double[] {1, 0, 0.5, 0.5}, 2, 2);
        double row1 = 0.5 * Math.log(4) + 0.5 * Math.log(4.0 / 3);
        assertThat(Losses.crossEntropy(logits(), q).item()).isCloseTo((Math.log(2) + row1) / 2, within(TOL));
    }

    @Test
    void nllPicksTheLabelledLogProbability() {
        Tensor logP = Tensor.of(new double[] {-0.1, -2.5, -3, -0.2}, 2, 2);
        assertThat(Losses.nll(logP, new int[] {1, 0}).item()).isCloseTo((2.5 + 3) / 2, within(TOL));
        assertThat(Losses.nll(logP, new int[] {1, 0}, Reduction.SUM).item()).isCloseTo(5.5, within(TOL));
    }

    @Test
    void mseIsTheMeanSquaredDifference() {
        Tensor a = Tensor.vector(1.0, 2.0);
        Tensor b = Tensor.vector(3.0, 5.0);
        assertThat(Losses.mse(a, b).item()).isCloseTo(6.5, within(TOL));
        assertThat(Losses.mse(a, b, Reduction.SUM).item()).isCloseTo(13, within(TOL));
        assertThat(Losses.mse(a, b, Reduction.NONE).toDoubleArray()).containsExactly(4, 9);
    }

    @Test
    void distillationIsTheBatchMeanKlTimesTemperatureSquared() {
        Tensor student = Tensor.of(new double[] {0, 0, 0, 0}, 2, 2);
        // row 0: teacher equals student, KL 0; row 1: KL([1/4, 3/4] || [1/2, 1/2])
        double kl1 = 0.25 * Math.log(0.5) + 0.75 * Math.log(1.5);
        assertThat(Losses.distillationKl(student, logits(), 1).item()).isCloseTo(kl1 / 2, within(TOL));
    }

    @Test
    void distillationIsZeroForEqualLogitsAndScalesByTemperatureSquared() {
        qt().withExamples(20).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            int n = 1 + r.nextInt(4);
            int c = 2 + r.nextInt(4);
            double t = 0.5 + 5 * r.nextDouble();
            Tensor s = Generators.normal(r.nextLong(), DType.F64, n, c);
            Tensor te = Generators.normal(r.nextLong(), DType.F64, n, c);
            assertThat(Losses.distillationKl(s, s.copy(), t).item()).isCloseTo(0, within(1e-14));
            assertThat(Losses.distillationKl(s, te, t).item())
                    .isCloseTo(t * t * Losses.distillationKl(s.div(t), te.div(t), 1).item(), within(1e-12));
            assertThat(Losses.distillationKl(s, te, t).item()).isPositive();
        });
    }

    @Test
    void bceWithLogitsMatchesTheDefinitionAndStaysFiniteForLargeLogits() {
        Tensor x = Tensor.vector(0.0, 2.0, -1.5, 100.0, -100.0);
        Tensor y = Tensor.vector(1.0, 0.0, 0.3, 0.0, 1.0);
        double[] got = Losses.bceWithLogits(x, y, Reduction.NONE).toDoubleArray();
        for (int i = 0; i < 3; i++) {
            double p = 1 / (1 + Math.exp(-x.getFlat(i)));
            double yi = y.getFlat(i);
            assertThat(got[i]).isCloseTo(-(yi * Math.log(p) + (1 - yi) * Math.log(1 - p)), within(TOL));
        }
        // log(1 + e^100) - 0 and 100 + log(1 + e^-100): the naive form overflows or takes log(0) here
        assertThat(got[3]).isCloseTo(100, within(TOL));
        assertThat(got[4]).isCloseTo(100, within(TOL));
    }

    @Test
    void invalidLabelsAndShapesAreRejectedNamingTheValues() {
        Tensor z = Tensor.zeros(DType.F32, 2, 3);
        assertThatThrownBy(() -> Losses.crossEntropy(z, new int[] {0, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label 3 at index 1")
                .hasMessageContaining("[0, 3)");
        assertThatThrownBy(() -> Losses.nll(z, new int[] {-1, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label -1");
        assertThatThrownBy(() -> Losses.crossEntropy(z, new int[] {0, 1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 entries")
                .hasMessageContaining("[2, 3]").hasMessageContaining("batch size 2");
        assertThatThrownBy(() -> Losses.crossEntropy(Tensor.zeros(DType.F32, 2, 3, 4), new int[] {0, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 3, 4]");
        assertThatThrownBy(() -> Losses.crossEntropy(z, new int[] {0, 1}, Reduction.MEAN, 1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
        assertThatThrownBy(() -> Losses.mse(z, Tensor.zeros(DType.F32, 3, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 3]").hasMessageContaining("[3, 2]");
        assertThatThrownBy(() -> Losses.distillationKl(z, Tensor.zeros(DType.F32, 2, 4), 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 3]").hasMessageContaining("[2, 4]");
        assertThatThrownBy(() -> Losses.distillationKl(z, z, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("temperature=0");
        assertThatThrownBy(() -> Losses.crossEntropy(z, Tensor.zeros(DType.F32, 2, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 3]").hasMessageContaining("[2, 2]");
    }
}
