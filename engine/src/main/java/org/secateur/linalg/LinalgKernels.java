package org.secateur.linalg;

import org.secateur.tensor.kernels.Kernels;

/**
 * The one hot loop of the dense solvers, {@code y += alpha * x} along contiguous rows, as a scalar reference and a
 * Vector API implementation chosen once at start-up (the shape of Lucene's vectorization layer).
 *
 * <p>C2 does not auto-vectorise this loop when {@code x} and {@code y} may be the same array, since it cannot rule
 * out overlap, and here they usually are: one row of a factor updated from another row of it. Measured on JDK 25
 * (AVX-512): about 4 GFLOPS for the scalar loop, 12-16 for the Vector API one. Both compute {@code alpha * x[i]}
 * and then add, without a fused multiply-add, so they agree bit for bit and no result depends on which was chosen.
 */
interface LinalgKernels {

    /** {@code y[yo+i] += alpha * x[xo+i]} for {@code i < n}; the ranges may lie in one array but must not overlap. */
    void axpy(double alpha, double[] x, int xo, double[] y, int yo, int n);

    /** The plain reference. */
    LinalgKernels SCALAR = new ScalarLinalgKernels();

    /**
     * The implementation in use: the Vector API one exactly when the engine's own kernels use it, so the module
     * check, its warning and the {@code -Dsecateur.kernels=scalar} switch are shared.
     */
    LinalgKernels CHOSEN = Kernels.get() == Kernels.scalar() ? SCALAR : new PanamaLinalgKernels();
}
