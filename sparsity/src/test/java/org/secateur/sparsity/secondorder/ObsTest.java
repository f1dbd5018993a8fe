package org.secateur.sparsity.secondorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.secateur.linalg.Damping;
import org.secateur.linalg.Spd;
import org.secateur.nn.Losses;
import org.secateur.sparsity.Minibatch;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

/**
 * OBS on random convex quadratics {@code 1/2 (w - c)^T A (w - c)}, where its second-order model is exact: each
 * removal costs exactly {@code w_q^2 / (2 [H^-1]_qq)}, lands on the constrained minimum a direct solve finds, and is
 * the cheapest removal available; the downdated inverse is the inverse of the reduced Hessian.
 */
class ObsTest {

    /** What the stopping rule saw after each removal. */
    private record Seen(Removal removal, double[] w, double value) {}

    @Test
    void eachRemovalCostsTheFormulaAndReachesTheConstrainedMinimumOfAllTheOtherWeights() {
        qt().withExamples(25).forAll(Generators.seeds(), integers().between(1, 10)).checkAssert((seed, n) -> {
            Rng r = new Rng(seed);
            double[] a = TestMatrices.spd(r, n, 0.1);
            double[] c = TestMatrices.gaussian(r, n);
            Quadratic q = new Quadratic(a, c, c);
            List<Seen> seen = new ArrayList<>();
            ObsResult result = Obs.of(Curvature::hessian).prune(q.objective(), removal -> {
                double[] w = q.w.value().toDoubleArray();
                seen.add(new Seen(removal, w, q.value(w)));
                return false;
            });
            assertThat(result.removals()).hasSize(n);
            assertThat(result.rejected()).isEmpty();
            boolean[] removed = new boolean[n];
            double before = 0;
            for (Seen s : seen) {
                int idx = s.removal().index();
                double scale = 1e-9 * (1 + Math.abs(s.value()));
                // E_q from an inverse of the Hessian restricted to the weights still there, computed afresh
                int[] alive = ParameterVector.indicesOf(Quadratic.not(removed));
                double[] hInv = Spd.inverse(TestMatrices.restrict(a, n, alive), alive.length);
                int k = java.util.Arrays.binarySearch(alive, idx);
                double wq = s.removal().weight();
                assertThat(s.removal().error()).isCloseTo(wq * wq / (2 * hInv[k * alive.length + k]), within(scale));
                // ... which is the actual increase, and the minimum over all the other weights
                removed[idx] = true;
                double[] direct = q.constrainedMinimum(removed);
                assertThat(s.value() - before).isCloseTo(s.removal().error(), within(scale));
                assertThat(q.value(direct)).isCloseTo(s.value(), within(scale));
                assertThat(TestMatrices.maxAbsDiff(s.w(), direct)).isLessThan(1e-8 * (1 + TestMatrices.maxAbs(direct)));
                // ... and the cheapest choice
                for (int other : alive) {
                    if (other != idx) {
                        boolean[] alternative = removed.clone();
                        alternative[idx] = false;
                        alternative[other] = true;
                        double cost = q.value(q.constrainedMinimum(alternative)) - before;
                        assertThat(cost).as("removing %d instead of %d", other, idx)
                                .isGreaterThanOrEqualTo(s.removal().error() - scale);
                    }
                }
                before = s.value();
            }
        });
    }

    @Test
    void theDowndatedInverseIsTheInverseOfTheReducedHessian() {
        qt().withExamples(40).forAll(Generators.seeds(), integers().between(2, 40)).checkAssert((seed, n) -> {
            Rng r = new Rng(seed);
            double[] a = TestMatrices.spd(r, n, 0.05);
            boolean[] alive = new boolean[n];
            java.util.Arrays.fill(alive, true);
            ObsState state = new ObsState(TestMatrices.gaussian(r, n), alive);
            state.setInverse(ParameterVector.indicesOf(alive), Spd.inverse(a, n));
            for (int step = 0; step < n - 1; step++) {
                int q = state.candidate();
                state.removeWeight(q);
                state.downdate(q);
                int[] kept = ParameterVector.indicesOf(state.alive);
                double[] expected = Spd.inverse(TestMatrices.restrict(a, n, kept), kept.length);
                double[] actual = TestMatrices.restrict(state.hInv, n, kept);
                assertThat(TestMatrices.maxAbsDiff(actual, expected)).as("after %d removals", step + 1)
                        .isLessThan(1e-10 * TestMatrices.maxAbs(expected));
                assertThat(state.hInv[q * n + q]).isZero();
            }
        });
    }

    @Test
    void weightsPrunedBeforeStayPrunedAndTheRestIsTheConstrainedMinimum() {
        Rng r = new Rng(7);
        int n = 9;
        double[] a = TestMatrices.spd(r, n, 0.2);
        double[] c = TestMatrices.gaussian(r, n);
        double[] mask = {1, 0, 1, 1, 0, 1, 1, 1, 1};
        boolean[] maskedOut = new boolean[n];
        maskedOut[1] = true;
        maskedOut[4] = true;
        // trained with the mask: at the minimum over the unmasked weights, where OBS's expansion holds
        Quadratic q = new Quadratic(a, c, new Quadratic(a, c, c).constrainedMinimum(maskedOut));
        q.w.setMask(Tensor.of(mask, n));
        Obs.of(Curvature::hessian).prune(q.objective(), StoppingRule.sparsity(5.0 / 9));
        double[] m = q.w.mask().toDoubleArray();
        assertThat(m[1]).isZero();
        assertThat(m[4]).isZero();
        boolean[] removed = new boolean[n];
        int pruned = 0;
        for (int i = 0; i < n; i++) {
            removed[i] = m[i] == 0;
            pruned += removed[i] ? 1 : 0;
        }
        assertThat(pruned).isEqualTo(5);
        double[] w = q.w.value().toDoubleArray();
        assertThat(TestMatrices.maxAbsDiff(w, q.constrainedMinimum(removed))).isLessThan(1e-10);
    }

    @Test
    void recomputingTheHessianAgreesWithDowndatingOnAQuadratic() {
        Rng r = new Rng(11);
        int n = 12;
        double[] a = TestMatrices.spd(r, n, 0.1);
        double[] c = TestMatrices.gaussian(r, n);
        Quadratic downdated = new Quadratic(a, c, c);
        Quadratic recomputed = new Quadratic(a, c, c);
        ObsResult x = Obs.of(Curvature::hessian).prune(downdated.objective(), StoppingRule.sparsity(0.75));
        ObsResult y = Obs.of(Curvature::hessian).withRecomputeEvery(2).prune(recomputed.objective(),
                StoppingRule.sparsity(0.75));
        assertThat(y.removals()).extracting(Removal::index).isEqualTo(x.removals().stream().map(Removal::index).toList());
        assertThat(y.predictedIncrease()).isCloseTo(x.predictedIncrease(), within(1e-10));
        assertThat(x.removals()).hasSize(9);
        assertThat(x.rejected()).hasValueSatisfying(rej -> assertThat(rej.alive()).isEqualTo(2));
    }

    @Test
    void anErrorBudgetUndoesTheRemovalThatExceedsIt() {
        Rng r = new Rng(3);
        int n = 10;
        double[] a = TestMatrices.spd(r, n, 0.1);
        double[] c = TestMatrices.gaussian(r, n);
        Quadratic q = new Quadratic(a, c, c);
        double budget = 0.5;
        ObsResult res = Obs.of(Curvature::hessian).prune(q.objective(), StoppingRule.errorBudget(budget));
        assertThat(res.predictedIncrease()).isLessThanOrEqualTo(budget);
        assertThat(res.rejected()).hasValueSatisfying(rej -> assertThat(rej.totalError()).isGreaterThan(budget));
        double[] w = q.w.value().toDoubleArray();
        assertThat(q.value(w)).isCloseTo(res.predictedIncrease(), within(1e-9));
        assertThat(q.w.mask().sum().item()).isEqualTo(n - res.removals().size());
    }

    @Test
    void theOuterProductOptionRemovesWhatACholeskyInverseOfTheSameFisherWould() {
        double[][] weights = new double[2][];
        List<List<Integer>> orders = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            Rng r = new Rng(17);
            SmallNet net = new SmallNet(r, 3, 4, 2);
            List<Minibatch> examples = EmpiricalFisher.examples(SmallNet.batches(r, 2, 5, 3, 2));
            Function<Objective, Curvature> fisher = run == 0 ? EmpiricalFisher::of : o -> {
                EmpiricalFisher f = EmpiricalFisher.of(o);
                return new Curvature() {                        // the same matrix, inverted by the default Cholesky
                    @Override
                    public int size() {
                        return f.size();
                    }

                    @Override
                    public double[] times(double[] v) {
                        return f.times(v);
                    }

                    @Override
                    public double[] submatrix(int[] indices) {
                        return f.submatrix(indices);
                    }
                };
            };
            ObsResult result = Obs.of(fisher).withDamping(Damping.absolute(0.05)).withRecomputeEvery(5)
                    .prune(net.model, net.model.namedParameters(), examples, Losses::crossEntropy,
                            StoppingRule.sparsity(0.6));
            orders.add(result.removals().stream().map(Removal::index).toList());
            weights[run] = ParameterVector.of(net.model.namedParameters()).values();
        }
        assertThat(orders.get(0)).hasSize((int) Math.rint(0.6 * weights[0].length)).isEqualTo(orders.get(1));
        assertThat(TestMatrices.maxAbsDiff(weights[0], weights[1])).isLessThan(1e-9);
    }
}
