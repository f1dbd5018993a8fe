package org.secateur.sparsity.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;
import org.secateur.sparsity.secondorder.LayerProblem;
import org.secateur.sparsity.secondorder.LayerSolution;
import org.secateur.tensor.Rng;
import org.secateur.testing.Generators;

/**
 * GPTQ against round-to-nearest on random layers: on the grid, its column errors add up to its final error, at 8
 * bits on a well-conditioned layer its outputs are within rounding of the original ones, and its layer error is
 * never above round-to-nearest's.
 */
class GptqTest {

    /** A layer with weights {@code W}, calibration inputs {@code X} ({@code n x cols}) and {@code H = 2 X^T X / n}. */
    private record Layer(LayerProblem problem, double[] x, int n) {

        /** Inputs of independent entries with unequal scales, plus {@code correlation} times one shared factor. */
        static Layer random(Rng r, int rows, int cols, int n, double correlation, double prePruned) {
            double[] x = new double[n * cols];
            for (int s = 0; s < n; s++) {
                double shared = r.nextGaussian();
                for (int c = 0; c < cols; c++) {
                    x[s * cols + c] = correlation * shared + r.nextGaussian() * (1 + c % 3);
                }
            }
            return of(r, rows, cols, x, n, prePruned);
        }

        /** Inputs {@code x = F z + noise * e} of {@code cols / 4} factors: the correlated inputs of real layers. */
        static Layer factors(Rng r, int rows, int cols, int n, double noise) {
            int k = 1 + cols / 4;
            double[] f = new double[cols * k];
            for (int i = 0; i < f.length; i++) {
                f[i] = r.nextGaussian();
            }
            double[] x = new double[n * cols];
            double[] z = new double[k];
            for (int s = 0; s < n; s++) {
                for (int j = 0; j < k; j++) {
                    z[j] = r.nextGaussian();
                }
                for (int c = 0; c < cols; c++) {
                    double v = noise * r.nextGaussian();
                    for (int j = 0; j < k; j++) {
                        v += f[c * k + j] * z[j];
                    }
                    x[s * cols + c] = v;
                }
            }
            return of(r, rows, cols, x, n, 0);
        }

        private static Layer of(Rng r, int rows, int cols, double[] x, int n, double prePruned) {
            double[] h = new double[cols * cols];
            for (int s = 0; s < n; s++) {
                for (int i = 0; i < cols; i++) {
                    double xi = 2 * x[s * cols + i] / n;
                    for (int j = 0; j < cols; j++) {
                        h[i * cols + j] += xi * x[s * cols + j];
                    }
                }
            }
            double[] w = new double[rows * cols];
            boolean[] alive = new boolean[rows * cols];
            for (int e = 0; e < w.length; e++) {
                alive[e] = r.nextDouble() >= prePruned;
                w[e] = alive[e] ? r.nextGaussian() : 0;
            }
            return new Layer(new LayerProblem("w", new int[] {rows, cols}, rows, cols, w, alive, h), x, n);
        }

        double error(double[] wHat) {
            double s = 0;
            for (double e : problem.rowErrors(wHat)) {
                s += e;
            }
            return s;
        }
    }

    @Test
    void onTheGridWithColumnErrorsSummingToTheFinalErrorAndPrunedWeightsKeptAtZero() {
        qt().withExamples(40).forAll(Generators.seeds(), integers().between(1, 5), integers().between(1, 40))
                .checkAssert((seed, rows, cols) -> {
                    Rng r = new Rng(seed);
                    Layer l = Layer.random(r, rows, cols, 1 + r.nextInt(3 * cols), r.nextDouble(), r.nextInt(2) * 0.3);
                    Gptq gptq = Gptq.of(2 + r.nextInt(7));
                    LayerSolution s = gptq.compress(l.problem());
                    LayerProblem.Prepared p = l.problem().prepare(gptq.damping());
                    double[] w = p.w();
                    for (int row = 0; row < rows; row++) {
                        double[] one = new double[cols];
                        double[] q = new double[cols];
                        double[] h = p.h();
                        System.arraycopy(w, row * cols, one, 0, cols);
                        System.arraycopy(s.weights(), row * cols, q, 0, cols);
                        double expected = 0;
                        for (int i = 0; i < cols; i++) {
                            for (int j = 0; j < cols; j++) {
                                expected += 0.5 * (one[i] - q[i]) * h[i * cols + j] * (one[j] - q[j]);
                            }
                        }
                        double steps = 0;
                        for (double e : s.stepErrors()[row]) {
                            steps += e;
                        }
                        assertThat(steps).as("row %d", row).isCloseTo(expected, within(1e-9 * (1 + expected)));
                        double scale = s.rowScales()[row];
                        int levels = (1 << (gptq.bits() - 1)) - 1;
                        for (int i = 0; i < cols; i++) {
                            double level = q[i] / scale;
                            assertThat(Math.abs(level - Math.rint(level))).isLessThan(1e-9);
                            assertThat(Math.abs(level)).isLessThanOrEqualTo(levels + 1e-9);
                            if (!l.problem().alive()[row * cols + i]) {
                                assertThat(q[i]).isZero();
                            }
                        }
                    }
                    assertThat(s.alive()).isEqualTo(l.problem().alive());
                });
    }

    @Test
    void atEightBitsOnAWellConditionedLayerTheOutputsAreWithinRounding() {
        qt().withExamples(20).forAll(Generators.seeds(), integers().between(1, 6), integers().between(2, 40))
                .checkAssert((seed, rows, cols) -> {
                    Rng r = new Rng(seed);
                    Layer l = Layer.random(r, rows, cols, 4 * cols, 0, 0);
                    LayerSolution s = Gptq.of(8).compress(l.problem());
                    double[] w = l.problem().w();
                    for (int n = 0; n < l.n(); n++) {
                        double l1 = 0;
                        for (int c = 0; c < cols; c++) {
                            l1 += Math.abs(l.x()[n * cols + c]);
                        }
                        for (int row = 0; row < rows; row++) {
                            double y = 0;
                            double yHat = 0;
                            for (int c = 0; c < cols; c++) {
                                y += w[row * cols + c] * l.x()[n * cols + c];
                                yHat += s.weights()[row * cols + c] * l.x()[n * cols + c];
                            }
                            // every weight within half a step would give at most this
                            assertThat(Math.abs(yHat - y)).isLessThanOrEqualTo(0.5 * s.rowScales()[row] * l1);
                        }
                    }
                });
    }

    /**
     * On random layers of realistic width (64 to 128 inputs, correlated as real inputs are). This is not a theorem:
     * GPTQ is Babai's nearest-plane rounding, better than plain rounding in expectation ({@code sum_i D_i <= sum_i
     * H_ii} for the Schur complements {@code D_i}) but not in every draw, and on very small layers it loses now and
     * then (seen: 3 inputs, 3 bits, twice round-to-nearest's error). Over thousands of layers of this family the
     * worst ratio found was 0.55.
     */
    @Test
    void itsLayerErrorIsNeverAboveRoundToNearests() {
        qt().withExamples(25).forAll(Generators.seeds(), integers().between(1, 4), integers().between(64, 128))
                .checkAssert((seed, rows, cols) -> {
                    Rng r = new Rng(seed);
                    Layer l = Layer.factors(r, rows, cols, cols + r.nextInt(2 * cols), 0.1 + r.nextDouble());
                    int bits = 2 + r.nextInt(7);
                    double gptq = l.error(Gptq.of(bits).compress(l.problem()).weights());
                    double rtn = l.error(new RoundToNearest(bits).compress(l.problem()).weights());
                    assertThat(gptq).as("%d bits", bits).isLessThanOrEqualTo(rtn);
                });
    }

    /**
     * With one or two inputs the dominance is exact, in GPTQ's own (damped) Hessian: the first column is rounded as
     * round-to-nearest rounds it, and the second is set to the grid point nearest the value that is optimal given
     * the first, which no other choice of the second, round-to-nearest's included, can beat.
     */
    @Test
    void onOneOrTwoInputsItIsNeverAboveRoundToNearestInItsOwnHessian() {
        qt().withExamples(200).forAll(Generators.seeds(), integers().between(1, 4), integers().between(1, 2))
                .checkAssert((seed, rows, cols) -> {
                    Rng r = new Rng(seed);
                    Layer l = Layer.random(r, rows, cols, 1 + r.nextInt(4), 3 * r.nextDouble(), 0);
                    Gptq gptq = Gptq.of(2 + r.nextInt(7));
                    LayerProblem.Prepared p = l.problem().prepare(gptq.damping());
                    LayerProblem solver = new LayerProblem("w", l.problem().shape(), rows, cols, p.w(),
                            l.problem().alive(), p.h());
                    double g = sum(solver.rowErrors(gptq.compress(l.problem()).weights()));
                    double t = sum(solver.rowErrors(new RoundToNearest(gptq.bits()).compress(l.problem()).weights()));
                    assertThat(g).isLessThanOrEqualTo(t * (1 + 1e-12) + 1e-15);
                });
    }

    private static double sum(double[] a) {
        double s = 0;
        for (double x : a) {
            s += x;
        }
        return s;
    }

    @Test
    void roundToNearestMovesEachWeightByAtMostHalfAStep() {
        Rng r = new Rng(8);
        Layer l = Layer.random(r, 4, 9, 20, 0.5, 0.2);
        LayerSolution s = new RoundToNearest(3).compress(l.problem());
        for (int e = 0; e < 36; e++) {
            assertThat(Math.abs(s.weights()[e] - l.problem().w()[e])).isLessThanOrEqualTo(0.5 * s.rowScales()[e / 9] + 1e-12);
        }
    }
}
