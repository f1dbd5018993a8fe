package org.secateur.sparsity.secondorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;
import org.secateur.linalg.Damping;
import org.secateur.linalg.Spd;
import org.secateur.tensor.Rng;
import org.secateur.testing.Generators;

/**
 * ExactOBS on random layers: the per-step errors of each row add up to its final error in the solver's Hessian
 * (exact, the layer objective being quadratic), targets are met exactly (N:M: N per group), the lazily downdated
 * inverse is the inverse of the reduced Hessian, each greedy step is the cheapest, and ExactOBS beats magnitude.
 */
class ExactObsTest {

    private static LayerTarget randomTarget(Rng r, int cols) {
        return switch (r.nextInt(3)) {
            case 0 -> LayerTarget.perRow(0.9 * r.nextDouble());
            case 1 -> LayerTarget.perLayer(0.9 * r.nextDouble());
            default -> {
                int m = cols % 4 == 0 ? 4 : cols % 3 == 0 ? 3 : cols % 2 == 0 ? 2 : 1;
                yield LayerTarget.nm(1 + r.nextInt(m), m);
            }
        };
    }

    @Test
    void theStepErrorsOfEachRowSumToItsFinalError() {
        qt().withExamples(60).forAll(Generators.seeds(), integers().between(1, 6), integers().between(1, 70))
                .checkAssert((seed, rows, cols) -> {
                    Rng r = new Rng(seed);
                    LayerProblem p = Layers.random(r, rows, cols, 1 + r.nextInt(2 * cols), r.nextInt(3) * 0.2);
                    ExactObs obs = ExactObs.of(randomTarget(r, cols)).withDamping(Damping.relative(0.01 + 0.1 * r.nextDouble()));
                    LayerSolution s = obs.compress(p);
                    LayerProblem.Prepared prepared = p.prepare(obs.damping());
                    double[] finalErrors = LayerProblem.quadraticErrors(prepared.w(), s.weights(), prepared.h(), rows, cols);
                    for (int row = 0; row < rows; row++) {
                        double steps = Layers.sum(s.stepErrors()[row]);
                        assertThat(steps).as("row %d of %s", row, obs.target())
                                .isCloseTo(finalErrors[row], within(1e-9 * (1 + finalErrors[row])));
                    }
                    for (int e = 0; e < s.alive().length; e++) {
                        if (!s.alive()[e]) {
                            assertThat(s.weights()[e]).isZero();
                        }
                        if (!p.alive()[e]) {
                            assertThat(s.alive()[e]).as("pruned before").isFalse();
                        }
                    }
                });
    }

    @Test
    void targetsAreMetExactly() {
        qt().withExamples(40).forAll(Generators.seeds(), integers().between(1, 6), integers().between(1, 16))
                .checkAssert((seed, rows, groups) -> {
                    Rng r = new Rng(seed);
                    int m = 1 + r.nextInt(4);
                    int n = 1 + r.nextInt(m);
                    int cols = groups * m;
                    LayerProblem p = Layers.random(r, rows, cols, 2 * cols, 0);
                    LayerSolution nm = ExactObs.of(LayerTarget.nm(n, m)).compress(p);
                    for (int row = 0; row < rows; row++) {
                        for (int g = 0; g < groups; g++) {
                            int kept = 0;
                            for (int j = 0; j < m; j++) {
                                kept += nm.alive()[row * cols + g * m + j] ? 1 : 0;
                            }
                            assertThat(kept).as("%d:%d row %d group %d", n, m, row, g).isEqualTo(n);
                        }
                    }
                    double s = 0.9 * r.nextDouble();
                    LayerSolution perRow = ExactObs.of(LayerTarget.perRow(s)).compress(p);
                    for (int row = 0; row < rows; row++) {
                        int pruned = 0;
                        for (int c = 0; c < cols; c++) {
                            pruned += perRow.alive()[row * cols + c] ? 0 : 1;
                        }
                        assertThat(pruned).isEqualTo((int) Math.rint(s * cols));
                    }
                    LayerSolution perLayer = ExactObs.of(LayerTarget.perLayer(s)).compress(p);
                    assertThat(perLayer.pruned()).isEqualTo((int) Math.rint(s * rows * cols));
                });
    }

    @Test
    void theLazilyDowndatedInverseIsTheInverseOfTheReducedHessianAcrossFolds() {
        qt().withExamples(15).forAll(Generators.seeds(), integers().between(2, 80)).checkAssert((seed, cols) -> {
            Rng r = new Rng(seed);
            double[] h = Layers.hessian(r, cols, 3 * cols);
            Spd.inverse(h, cols);
            double[] hInv = Spd.inverse(h, cols, Damping.relative(0.01));
            double[] hDamped = h.clone();
            org.secateur.linalg.Matrices.addToDiagonal(hDamped, cols, Damping.relative(0.01).initialLambda(h, cols));
            ObsRowSolver solver = new ObsRowSolver(cols);
            solver.load(hInv, TestMatrices.gaussian(r, cols), 0);
            for (int step = 1; step < cols; step++) {
                solver.prune(solver.best(ObsRowSolver.ANY), ObsRowSolver.ANY);
                if (step % 7 == 0 || step == ObsRowSolver.BLOCK || step == cols - 1) {
                    int[] kept = solver.remainingColumns();
                    double[] expected = Spd.inverse(TestMatrices.restrict(hDamped, cols, kept), kept.length);
                    assertThat(TestMatrices.maxAbsDiff(solver.currentInverse(), expected)).as("after %d steps", step)
                            .isLessThan(1e-9 * TestMatrices.maxAbs(expected));
                }
            }
        });
    }

    @Test
    void eachStepPrunesTheWeightWhoseRemovalCostsLeastGivenTheEarlierOnes() {
        qt().withExamples(20).forAll(Generators.seeds(), integers().between(2, 10)).checkAssert((seed, cols) -> {
            Rng r = new Rng(seed);
            LayerProblem p = Layers.random(r, 1, cols, 2 * cols, 0);
            LayerProblem.Prepared prepared = p.prepare(ExactObs.DEFAULT_DAMPING);
            ObsRowSolver solver = new ObsRowSolver(cols);
            solver.load(Spd.inverse(prepared.h(), cols), prepared.w(), 0);
            boolean[] alive = p.alive().clone();
            double before = 0;
            for (int step = 0; step < cols - 1; step++) {
                int s = solver.best(ObsRowSolver.ANY);
                int chosen = solver.columnOf(s);
                double error = solver.prune(s, ObsRowSolver.ANY);
                double cost = Double.POSITIVE_INFINITY;
                for (int c = 0; c < cols; c++) {
                    if (alive[c]) {
                        alive[c] = false;
                        double e = errorOfRefit(prepared, alive, cols);
                        if (c == chosen) {
                            assertThat(e - before).isCloseTo(error, within(1e-9 * (1 + e)));
                        }
                        cost = Math.min(cost, e - before);
                        alive[c] = true;
                    }
                }
                assertThat(error).isLessThanOrEqualTo(cost + 1e-9 * (1 + error));
                alive[chosen] = false;
                before += error;
            }
        });
    }

    private static double errorOfRefit(LayerProblem.Prepared p, boolean[] alive, int cols) {
        double[] refit = Refit.rows(p.h(), p.w(), alive, 1, cols);
        return LayerProblem.quadraticErrors(p.w(), refit, p.h(), 1, cols)[0];
    }

    @Test
    void exactObsHasALowerLayerErrorThanMagnitude() {
        qt().withExamples(20).forAll(Generators.seeds(), integers().between(2, 8), integers().between(8, 40))
                .checkAssert((seed, rows, cols) -> {
                    Rng r = new Rng(seed);
                    LayerProblem p = Layers.random(r, rows, cols, 2 * cols, 0);
                    LayerTarget target = r.nextInt(2) == 0 ? LayerTarget.perLayer(0.5) : LayerTarget.perRow(0.75);
                    double obs = Layers.sum(p.rowErrors(ExactObs.of(target).compress(p).weights()));
                    double gmp = Layers.sum(p.rowErrors(MaskThenRefit.magnitude(target).compress(p).weights()));
                    assertThat(obs).isLessThan(gmp);
                });
    }
}
