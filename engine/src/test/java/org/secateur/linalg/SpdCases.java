package org.secateur.linalg;

import static org.quicktheories.generators.SourceDSL.integers;

import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.secateur.tensor.Rng;

/**
 * Random test matrices and the tolerance rules the linear-algebra properties use. Matrices are built from a seed so
 * that a failing case replays from the seed QuickTheories prints.
 */
final class SpdCases {
    private SpdCases() {}

    static final double EPS = Math.ulp(1.0);

    /** Orders with the small cases (1, 2, 3), odd and even ones, and ones spanning several Cholesky blocks. */
    static Gen<Integer> orders() {
        return Generate.oneOf(integers().between(1, 3), integers().between(4, 33),
                integers().between(Cholesky.BLOCK - 2, 2 * Cholesky.BLOCK + 20));
    }

    /** A dense matrix with standard normal entries. */
    static double[] normal(long seed, int rows, int cols) {
        Rng rng = new Rng(seed);
        double[] a = new double[rows * cols];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextGaussian();
        }
        return a;
    }

    /**
     * A random symmetric positive definite matrix {@code A A^T + 1e-3 I}, where {@code A} is {@code n x (n + 2)}
     * and its rows are scaled by up to {@code 10^spread}, so that the condition number ranges over many decades.
     */
    static double[] spd(long seed, int n, double spread) {
        int m = n + 2;
        double[] a = normal(seed, n, m);
        Rng rng = new Rng(~seed);
        for (int i = 0; i < n; i++) {
            double s = Math.pow(10, spread * rng.nextDouble());
            for (int j = 0; j < m; j++) {
                a[i * m + j] *= s;
            }
        }
        double[] h = Matrices.multiply(a, Matrices.transpose(a, n, m), n, m, n);
        Matrices.addToDiagonal(h, n, 1e-3);
        return h;
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static double frobenius(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    /** An upper bound on the 2-norm condition number, {@code ||H||_F ||H^{-1}||_F}. */
    static double condition(double[] h, double[] hInv) {
        return frobenius(h) * frobenius(hInv);
    }

    /** {@code H} without row and column {@code q}. */
    static double[] withoutIndex(double[] h, int n, int q) {
        int m = n - 1;
        double[] out = new double[m * m];
        for (int i = 0, oi = 0; i < n; i++) {
            if (i == q) {
                continue;
            }
            for (int j = 0, oj = 0; j < n; j++) {
                if (j != q) {
                    out[oi * m + oj++] = h[i * n + j];
                }
            }
            oi++;
        }
        return out;
    }

    /** Whether every element strictly below ({@code upper}) or above the diagonal is exactly zero. */
    static boolean isTriangular(double[] a, int n, boolean upper) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if ((upper ? j < i : j > i) && a[i * n + j] != 0) {
                    return false;
                }
            }
        }
        return true;
    }
}
