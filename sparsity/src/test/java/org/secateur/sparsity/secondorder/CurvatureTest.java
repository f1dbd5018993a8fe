package org.secateur.sparsity.secondorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.secateur.autograd.Autograd;
import org.secateur.linalg.Damping;
import org.secateur.linalg.Spd;
import org.secateur.nn.Losses;
import org.secateur.sparsity.Minibatch;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

/**
 * The curvatures against independent references: the exact Hessian and its diagonal against {@code
 * Autograd.hessian}, the Gauss-Newton matrix against {@code J^T H_z J} from {@code Autograd.jacobian}, Hutchinson's
 * estimate converging to the exact diagonal, and the Sherman-Morrison inverse of the empirical Fisher against a
 * direct inverse of the damped Fisher.
 */
class CurvatureTest {

    private static Objective objective(SmallNet net, List<Minibatch> batches) {
        return Objective.of(net.model, net.model.namedParameters(), batches, Losses::crossEntropy);
    }

    /** The full Hessian of the objective by Autograd.hessian over the parameter leaves. */
    private static double[] referenceHessian(Objective o) {
        return Autograd.hessian(() -> {
            Tensor sum = null;
            for (int b = 0; b < o.batches().size(); b++) {
                Tensor term = o.batchLoss(b).mul(o.weight(b));
                sum = sum == null ? term : sum.add(term);
            }
            return sum;
        }, o.params().leaves()).toDoubleArray();
    }

    private static int[] all(int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return idx;
    }

    @Test
    void theExactDiagonalAndBlocksAreThoseOfAutogradsHessian() {
        qt().withExamples(10).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            SmallNet net = new SmallNet(r, 2 + r.nextInt(3), 2 + r.nextInt(3), 2 + r.nextInt(2));
            Objective o = objective(net, SmallNet.batches(r, 1 + r.nextInt(2), 3 + r.nextInt(4), net.in, net.out));
            int n = net.size();
            double[] h = referenceHessian(o);
            Curvature c = Curvature.hessian(o);
            double[] diag = CurvatureDiagonal.exact(Curvature::hessian).of(o);
            double tol = 1e-12 * (1 + TestMatrices.maxAbs(h));
            for (int i = 0; i < n; i++) {
                assertThat(diag[i]).as("h_%d%d", i, i).isCloseTo(h[i * n + i], within(tol));
            }
            int[] block = {0, 2, n - 1};
            assertThat(TestMatrices.maxAbsDiff(c.submatrix(block), TestMatrices.restrict(h, n, block))).isLessThan(tol);
            assertThat(TestMatrices.maxAbsDiff(c.submatrix(all(n)), h)).isLessThan(tol);
        });
    }

    @Test
    void gaussNewtonIsJacobianTransposeTimesOutputHessianTimesJacobian() {
        qt().withExamples(10).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            SmallNet net = new SmallNet(r, 2 + r.nextInt(3), 2 + r.nextInt(3), 2 + r.nextInt(2));
            List<Minibatch> batches = SmallNet.batches(r, 1, 3 + r.nextInt(4), net.in, net.out);
            Minibatch b = batches.get(0);
            Objective o = objective(net, batches);
            int n = net.size();
            Tensor w = Tensor.of(o.params().values(), n);
            double[] j = Autograd.jacobian(v -> net.forward(v, b.inputs()), w).toDoubleArray();    // [B*k, n]
            Tensor z = net.forward(w, b.inputs());
            double[] hz = Autograd.hessian(zz -> Losses.crossEntropy(zz, b.labels()), z).toDoubleArray();
            int m = z.numel();
            double[] expected = new double[n * n];
            for (int p = 0; p < n; p++) {
                for (int q = 0; q < n; q++) {
                    double s = 0;
                    for (int u = 0; u < m; u++) {
                        for (int v = 0; v < m; v++) {
                            s += j[u * n + p] * hz[u * m + v] * j[v * n + q];
                        }
                    }
                    expected[p * n + q] = s;
                }
            }
            double[] actual = Curvature.gaussNewton(o).submatrix(all(n));
            assertThat(TestMatrices.maxAbsDiff(actual, expected)).isLessThan(1e-12 * (1 + TestMatrices.maxAbs(expected)));
        });
    }

    @Test
    void hutchinsonsEstimateConvergesToTheExactDiagonal() {
        Rng r = new Rng(5);
        SmallNet net = new SmallNet(r, 3, 3, 2);
        Objective o = objective(net, SmallNet.batches(r, 1, 6, 3, 2));
        int n = net.size();
        double[] h = referenceHessian(o);
        Curvature c = Curvature.hessian(o);
        int samples = 1500;
        double[] estimate = Hutchinson.diagonal(c, samples, new Rng(9));
        double[] rough = Hutchinson.diagonal(c, 15, new Rng(9));
        double error = 0;
        double roughError = 0;
        for (int i = 0; i < n; i++) {
            // the estimate's variance per sample is the squared off-diagonal mass of row i
            double variance = 0;
            for (int k = 0; k < n; k++) {
                variance += k == i ? 0 : h[i * n + k] * h[i * n + k];
            }
            assertThat(estimate[i]).as("entry %d", i)
                    .isCloseTo(h[i * n + i], within(6 * Math.sqrt(variance / samples) + 1e-12));
            error += Math.abs(estimate[i] - h[i * n + i]);
            roughError += Math.abs(rough[i] - h[i * n + i]);
        }
        assertThat(error).isLessThan(roughError);
    }

    @Test
    void hutchinsonIsExactForADiagonalMatrix() {
        double[] a = {2, 0, 0, 0, -3, 0, 0, 0, 0.5};
        assertThat(Hutchinson.diagonal(TestMatrices.curvature(a, 3), 1, new Rng(1))).containsExactly(2, -3, 0.5);
    }

    @Test
    void theShermanMorrisonInverseOfTheEmpiricalFisherIsTheDirectInverseOfTheDampedFisher() {
        qt().withExamples(40).forAll(Generators.seeds(), integers().between(1, 30), integers().between(1, 40))
                .checkAssert((seed, count, n) -> {
                    Rng r = new Rng(seed);
                    double[][] g = new double[count][];
                    for (int k = 0; k < count; k++) {
                        g[k] = TestMatrices.gaussian(r, n);
                    }
                    EmpiricalFisher f = EmpiricalFisher.of(g, n);
                    int[] block = ParameterVector.indicesOf(randomSubset(r, n));
                    Damping damping = r.nextInt(2) == 0 ? Damping.absolute(0.01 + r.nextDouble())
                            : Damping.relative(0.01 + r.nextDouble());
                    double[] expected = Spd.inverse(f.submatrix(block), block.length, damping);
                    double[] actual = f.inverse(block, damping);
                    assertThat(TestMatrices.maxAbsDiff(actual, expected))
                            .isLessThan(1e-11 * (1 + TestMatrices.maxAbs(expected)));
                    // and the closed-form block and diagonal are those the products give
                    Curvature products = new Curvature() {
                        @Override
                        public int size() {
                            return n;
                        }

                        @Override
                        public double[] times(double[] v) {
                            return f.times(v);
                        }
                    };
                    double[] block2 = products.submatrix(block);
                    assertThat(TestMatrices.maxAbsDiff(f.submatrix(block), block2))
                            .isLessThan(1e-12 * (1 + TestMatrices.maxAbs(block2)));
                    assertThat(TestMatrices.maxAbsDiff(f.diagonal(block), products.diagonal(block)))
                            .isLessThan(1e-12 * (1 + TestMatrices.maxAbs(block2)));
                });
    }

    private static boolean[] randomSubset(Rng r, int n) {
        boolean[] s = new boolean[n];
        s[r.nextInt(n)] = true;
        for (int i = 0; i < n; i++) {
            s[i] |= r.nextInt(3) > 0;
        }
        return s;
    }
}
