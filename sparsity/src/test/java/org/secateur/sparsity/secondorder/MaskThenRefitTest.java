package org.secateur.sparsity.secondorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;
import org.secateur.linalg.Spd;
import org.secateur.tensor.Rng;
import org.secateur.testing.Generators;

/**
 * The one-shot baselines: L-OBS's and AdaPrune's updates satisfy the normal equations of the least squares given
 * their masks; the masks prune the lowest scores; GMP leaves the survivors as they were.
 */
class MaskThenRefitTest {

    @Test
    void theRefitsSolveTheNormalEquationsOnTheirMasks() {
        qt().withExamples(40).forAll(Generators.seeds(), integers().between(1, 5), integers().between(1, 30))
                .checkAssert((seed, rows, cols) -> {
                    Rng r = new Rng(seed);
                    LayerProblem p = Layers.random(r, rows, cols, 1 + r.nextInt(2 * cols), r.nextInt(2) * 0.3);
                    LayerTarget target = r.nextInt(2) == 0 ? LayerTarget.perRow(0.8 * r.nextDouble())
                            : LayerTarget.perLayer(0.8 * r.nextDouble());
                    MaskThenRefit method = r.nextInt(2) == 0 ? MaskThenRefit.lObs(target) : MaskThenRefit.adaPrune(target);
                    LayerSolution s = method.compress(p);
                    LayerProblem.Prepared prepared = p.prepare(method.damping());
                    double[] h = prepared.h();
                    double scale = TestMatrices.maxAbs(h) * (1 + TestMatrices.maxAbs(prepared.w()));
                    for (int row = 0; row < rows; row++) {
                        for (int i = 0; i < cols; i++) {
                            int e = row * cols + i;
                            if (!s.alive()[e]) {
                                assertThat(s.weights()[e]).isZero();
                                continue;
                            }
                            // d/dw_hat_i of 1/2 (w - w_hat)^T H (w - w_hat) = (H (w_hat - w))_i = 0 on the survivors
                            double g = 0;
                            for (int j = 0; j < cols; j++) {
                                g += h[i * cols + j] * (s.weights()[row * cols + j] - prepared.w()[row * cols + j]);
                            }
                            assertThat(Math.abs(g)).as("%s row %d column %d", method, row, i).isLessThan(1e-9 * scale);
                        }
                    }
                });
    }

    @Test
    void masksPruneTheLowestScoresOfEachRow() {
        qt().withExamples(30).forAll(Generators.seeds(), integers().between(1, 5), integers().between(2, 30))
                .checkAssert((seed, rows, cols) -> {
                    Rng r = new Rng(seed);
                    LayerProblem p = Layers.random(r, rows, cols, 2 * cols, 0);
                    LayerTarget target = LayerTarget.perRow(0.2 + 0.6 * r.nextDouble());
                    LayerProblem.Prepared prepared = p.prepare(ExactObs.DEFAULT_DAMPING);
                    double[] hInv = Spd.inverse(prepared.h(), cols);
                    LayerSolution gmp = MaskThenRefit.magnitude(target).compress(p);
                    LayerSolution lObs = MaskThenRefit.lObs(target).compress(p);
                    for (int row = 0; row < rows; row++) {
                        double prunedMax = Double.NEGATIVE_INFINITY;
                        double keptMin = Double.POSITIVE_INFINITY;
                        double prunedObs = Double.NEGATIVE_INFINITY;
                        double keptObs = Double.POSITIVE_INFINITY;
                        for (int i = 0; i < cols; i++) {
                            int e = row * cols + i;
                            double mag = Math.abs(p.w()[e]);
                            double obs = prepared.w()[e] * prepared.w()[e] / hInv[i * cols + i];
                            if (gmp.alive()[e]) {
                                keptMin = Math.min(keptMin, mag);
                                assertThat(gmp.weights()[e]).isEqualTo(p.w()[e]);
                            } else {
                                prunedMax = Math.max(prunedMax, mag);
                            }
                            if (lObs.alive()[e]) {
                                keptObs = Math.min(keptObs, obs);
                            } else {
                                prunedObs = Math.max(prunedObs, obs);
                            }
                        }
                        assertThat(prunedMax).isLessThanOrEqualTo(keptMin);
                        assertThat(prunedObs).isLessThanOrEqualTo(keptObs);
                    }
                });
    }
}
