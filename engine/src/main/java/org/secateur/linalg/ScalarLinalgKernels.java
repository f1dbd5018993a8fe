package org.secateur.linalg;

/** The scalar reference for {@link LinalgKernels}. */
final class ScalarLinalgKernels implements LinalgKernels {

    @Override
    public void axpy(double alpha, double[] x, int xo, double[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] += alpha * x[xo + i];
        }
    }
}
