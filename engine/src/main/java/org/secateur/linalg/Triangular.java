package org.secateur.linalg;

import org.secateur.tensor.kernels.Parallel;

/**
 * Solves with triangular matrices (forward and back substitution) and the inverse of an upper-triangular one.
 *
 * <p>Matrices are row-major {@code n x n}; only the named triangle is read. Right-hand sides {@code B} are
 * {@code n x k} (a vector when {@code k = 1}) and are overwritten by the solution. Every inner loop runs along a
 * contiguous row of {@code B} or of the result, and work is split over columns, which no two threads share, so the
 * result does not depend on the thread count.
 */
public final class Triangular {
    private Triangular() {}

    private static final LinalgKernels K = LinalgKernels.CHOSEN;

    /** Multiply-adds below which a loop stays on the calling thread. */
    static final int PARALLEL_WORK = 1 << 17;

    /** Solves {@code L X = B} in place for lower-triangular {@code L}. */
    public static void solveLowerInPlace(double[] l, int n, double[] b, int k) {
        forward("l", l, n, 1, n, b, k);
    }

    /** Solves {@code U^T X = B} in place for upper-triangular {@code U} (the first half of a Cholesky solve). */
    public static void solveUpperTransposedInPlace(double[] u, int n, double[] b, int k) {
        forward("u", u, 1, n, n, b, k);
    }

    /** Solves {@code U X = B} in place for upper-triangular {@code U}. */
    public static void solveUpperInPlace(double[] u, int n, double[] b, int k) {
        backward("u", u, n, 1, n, b, k);
    }

    /** Solves {@code L^T X = B} in place for lower-triangular {@code L}. */
    public static void solveLowerTransposedInPlace(double[] l, int n, double[] b, int k) {
        backward("l", l, 1, n, n, b, k);
    }

    /**
     * Forward substitution for a lower-triangular {@code T} whose element {@code (i, j)} is {@code t[i*rs + j*cs]}:
     * row {@code i} of {@code X} is {@code (B_i - sum_{j<i} T_ij X_j) / T_ii}.
     */
    private static void forward(String name, double[] t, int rs, int cs, int n, double[] b, int k) {
        checkSystem(name, t, n, b, k);
        forEachColumnChunk(n, k, (c0, c1) -> {
            for (int i = 0; i < n; i++) {
                int bi = i * k + c0;
                for (int j = 0; j < i; j++) {
                    K.axpy(-t[i * rs + j * cs], b, j * k + c0, b, bi, c1 - c0);
                }
                divide(b, bi, c1 - c0, t[i * (rs + cs)]);
            }
        });
    }

    /** Back substitution for an upper-triangular {@code T} laid out as in {@link #forward}. */
    private static void backward(String name, double[] t, int rs, int cs, int n, double[] b, int k) {
        checkSystem(name, t, n, b, k);
        forEachColumnChunk(n, k, (c0, c1) -> {
            for (int i = n - 1; i >= 0; i--) {
                int bi = i * k + c0;
                for (int j = i + 1; j < n; j++) {
                    K.axpy(-t[i * rs + j * cs], b, j * k + c0, b, bi, c1 - c0);
                }
                divide(b, bi, c1 - c0, t[i * (rs + cs)]);
            }
        });
    }

    private static void divide(double[] b, int from, int length, double d) {
        for (int c = from; c < from + length; c++) {
            b[c] /= d;
        }
    }

    /** Splits the {@code k} right-hand sides over threads when the {@code n^2 k / 2} multiply-adds are worth it. */
    private static void forEachColumnChunk(int n, int k, Parallel.Range body) {
        long workPerColumn = Math.max(1, (long) n * n / 2);
        int grain = (int) Math.max(1, Math.min(k, PARALLEL_WORK / workPerColumn));
        Parallel.forRange(k, grain, body);
    }

    private static void checkSystem(String name, double[] t, int n, double[] b, int k) {
        Matrices.requireSquare(name, t, n);
        Matrices.requireShape("b", b, n, k);
        requireNonzeroDiagonal(name, t, n);
    }

    private static void requireNonzeroDiagonal(String name, double[] t, int n) {
        for (int i = 0; i < n; i++) {
            double d = t[i * n + i];
            if (d == 0 || !Double.isFinite(d)) {
                throw new IllegalArgumentException(name + " is singular: diagonal element " + i + " is " + d
                        + ", expected finite and non-zero");
            }
        }
    }

    /**
     * The inverse {@code X = U^{-1}} of an upper-triangular {@code U} (upper-triangular too), by
     * {@code X_ii = 1 / U_ii} and {@code X_ij = -(sum_{i<m<=j} U_im X_mj) / U_ii}, rows from the bottom up.
     *
     * <p>A block of columns of {@code X} depends only on the same columns of the rows below, so the columns are
     * cut into blocks of equal work (column {@code j} costs about {@code j^2 / 2}) and the blocks run in parallel.
     */
    public static double[] invertUpper(double[] u, int n) {
        Matrices.requireSquare("u", u, n);
        requireNonzeroDiagonal("u", u, n);
        double[] x = new double[n * n];
        long work = (long) n * n * n / 6;
        int blocks = (int) Math.max(1, Math.min(4L * Parallel.threads(), Math.min(n / 16, work / PARALLEL_WORK)));
        int[] bounds = new int[blocks + 1];
        for (int p = 0; p <= blocks; p++) {
            bounds[p] = (int) Math.round(n * Math.cbrt((double) p / blocks));
        }
        Parallel.forRange(blocks, 1, (from, to) -> {
            for (int p = from; p < to; p++) {
                invertColumns(u, x, n, bounds[p], bounds[p + 1]);
            }
        });
        return x;
    }

    /** Columns {@code [c0, c1)} of {@code U^{-1}}. */
    private static void invertColumns(double[] u, double[] x, int n, int c0, int c1) {
        for (int i = Math.min(c1, n) - 1; i >= 0; i--) {
            int row = i * n;
            if (i >= c0) {
                x[row + i] = 1 / u[row + i];
            }
            int from = Math.max(i + 1, c0);
            if (from >= c1) {
                continue;
            }
            for (int m = i + 1; m < c1; m++) {
                int start = Math.max(m, c0);
                K.axpy(u[row + m], x, m * n + start, x, row + start, c1 - start);
            }
            double negDiag = -u[row + i];
            for (int j = row + from; j < row + c1; j++) {
                x[j] /= negDiag;
            }
        }
    }
}
