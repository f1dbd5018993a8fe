package org.secateur.sparsity.secondorder;

import org.secateur.tensor.kernels.Kernels;

/**
 * The two hot loops of the second-order solvers over contiguous rows of {@code double[]}: {@code y += alpha x} and
 * the dot product, as a scalar reference and a Vector API implementation chosen once, with the engine's kernels
 * (the shape of Lucene's vectorization layer). Both multiply then add, without fused multiply-adds, and
 * {@link #axpy} therefore gives the same bits either way.
 */
interface RowKernels {

    /** {@code y[yo+i] += alpha * x[xo+i]} for {@code i < n}; the ranges must not overlap. */
    void axpy(double alpha, double[] x, int xo, double[] y, int yo, int n);

    /** {@code sum_i x[xo+i] * y[yo+i]} for {@code i < n}. */
    double dot(double[] x, int xo, double[] y, int yo, int n);

    /**
     * {@code y_r[t] -= sum_{i<k} c[r*k + i] * x[i*xs + t]} for the {@code rows <= 4} rows {@code y_r = y[r*n ..)}
     * and {@code t < n}: a rank-{@code k} update of a few rows at once, the inner kernel of a blocked
     * {@code A -= U U^T}.
     */
    void subtractCombinations(int rows, double[] c, int k, double[] x, int xs, double[] y, int n);

    /** The plain reference. */
    RowKernels SCALAR = new RowKernels() {
        @Override
        public void subtractCombinations(int rows, double[] c, int k, double[] x, int xs, double[] y, int n) {
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < k; i++) {
                    axpy(-c[r * k + i], x, i * xs, y, r * n, n);
                }
            }
        }

        @Override
        public void axpy(double alpha, double[] x, int xo, double[] y, int yo, int n) {
            for (int i = 0; i < n; i++) {
                y[yo + i] += alpha * x[xo + i];
            }
        }

        @Override
        public double dot(double[] x, int xo, double[] y, int yo, int n) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += x[xo + i] * y[yo + i];
            }
            return s;
        }
    };

    /** The Vector API implementation exactly when the engine's kernels use it (same module check and switch). */
    RowKernels CHOSEN = Kernels.get() == Kernels.scalar() ? SCALAR : new PanamaRowKernels();
}
