package org.secateur.sparsity.secondorder;

import org.secateur.tensor.Rng;

/** Random test matrices, row-major {@code double[]}. */
final class TestMatrices {
    private TestMatrices() {}

    /** A symmetric positive definite matrix {@code B B^T / n + ridge I} with Gaussian {@code B}. */
    static double[] spd(Rng r, int n, double ridge) {
        double[] b = gaussian(r, n * n);
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += b[i * n + k] * b[j * n + k];
                }
                a[i * n + j] = s / n + (i == j ? ridge : 0);
            }
        }
        return a;
    }

    static double[] gaussian(Rng r, int length) {
        double[] x = new double[length];
        for (int i = 0; i < length; i++) {
            x[i] = r.nextGaussian();
        }
        return x;
    }

    /** The principal submatrix over {@code indices}. */
    static double[] restrict(double[] a, int n, int[] indices) {
        int m = indices.length;
        double[] out = new double[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                out[i * m + j] = a[indices[i] * n + indices[j]];
            }
        }
        return out;
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double x : a) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    static double maxAbsDiff(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(a.length + " vs " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    /** A curvature given by a dense matrix. */
    static Curvature curvature(double[] a, int n) {
        return new Curvature() {
            @Override
            public int size() {
                return n;
            }

            @Override
            public double[] times(double[] v) {
                double[] out = new double[n];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        out[i] += a[i * n + j] * v[j];
                    }
                }
                return out;
            }
        };
    }
}
