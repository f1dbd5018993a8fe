package org.secateur.linalg;

import org.secateur.tensor.kernels.Parallel;

/**
 * The Cholesky factorisation {@code A + lambda I = L L^T} of a symmetric positive definite matrix, and the solves and
 * inverse it makes cheap.
 *
 * <p>Only the lower triangle of {@code A} is read, as with LAPACK's {@code potrf} for {@code uplo = 'L'} and
 * {@code torch.linalg.cholesky}. The factor is stored as {@code U = L^T} in row-major order, so that the update of
 * each remaining row by a finished one is a contiguous {@code axpy}.
 *
 * <p>The factorisation is right-looking and blocked: a panel of 64 rows is finished, then every row
 * below is updated by the whole panel while the panel stays in cache. Each element still receives its updates in
 * the order of the unblocked algorithm, and the rows of the trailing update are split over threads, so the factor
 * is the same, bit for bit, for every block size and thread count.
 */
public final class Cholesky {
    private static final LinalgKernels K = LinalgKernels.CHOSEN;

    /** Panel height: 64 rows of a 1000-column matrix are 512 KiB, which stay in a 1 MiB L2 during the update. */
    static final int BLOCK = 64;

    private final int n;
    private final double lambda;
    private final double[] u;

    private Cholesky(int n, double lambda, double[] u) {
        this.n = n;
        this.lambda = lambda;
        this.u = u;
    }

    /** Factorises the {@code n x n} matrix {@code a} without damping. */
    public static Cholesky factor(double[] a, int n) {
        return factor(a, n, Damping.none());
    }

    /**
     * Factorises {@code a + lambda I} with {@code lambda} from {@code damping}, growing it on failure if the damping
     * allows retries.
     *
     * @throws NotPositiveDefiniteException naming the pivot of the last attempt when every attempt fails
     */
    public static Cholesky factor(double[] a, int n, Damping damping) {
        return factor("a", a, n, damping);
    }

    /** As {@link #factor(double[], int, Damping)}, naming the matrix {@code name} in errors. */
    static Cholesky factor(String name, double[] a, int n, Damping damping) {
        Matrices.requireSquare(name, a, n);
        double lambda = damping.initialLambda(a, n);
        for (int attempt = 1; ; attempt++) {
            double[] u = lowerTransposed(a, n, lambda);
            int pivot = factorInPlace(u, n);
            if (pivot < 0) {
                return new Cholesky(n, lambda, u);
            }
            if (attempt > damping.retries()) {
                throw new NotPositiveDefiniteException(name, n, pivot, u[pivot * n + pivot], lambda, attempt);
            }
            lambda *= damping.growth();
        }
    }

    /** The upper triangle of {@code a^T + lambda I}, that is the lower triangle of {@code a} transposed. */
    private static double[] lowerTransposed(double[] a, int n, double lambda) {
        double[] u = new double[n * n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i <= j; i++) {
                u[i * n + j] = a[j * n + i];
            }
            u[j * n + j] += lambda;
        }
        return u;
    }

    /**
     * Overwrites the upper triangle of {@code u} with the factor {@code U}, {@code U^T U = A}. Returns -1, or the
     * index of the first non-positive pivot, whose value is then left on the diagonal.
     */
    private static int factorInPlace(double[] u, int n) {
        for (int kb = 0; kb < n; kb += BLOCK) {
            int ke = Math.min(n, kb + BLOCK);
            for (int k = kb; k < ke; k++) {
                int kk = k * n + k;
                double d = u[kk];
                if (!(d > 0)) {
                    return k;
                }
                double r = Math.sqrt(d);
                u[kk] = r;
                for (int j = kk + 1; j < k * n + n; j++) {
                    u[j] /= r;
                }
                for (int i = k + 1; i < ke; i++) {
                    K.axpy(-u[k * n + i], u, kk + (i - k), u, i * n + i, n - i);
                }
            }
            updateTrailing(u, n, kb, ke);
        }
        return -1;
    }

    /**
     * Subtracts the panel rows {@code [kb, ke)} from every row below. Row {@code i} costs about {@code n - i}, so
     * row {@code ke + p} is paired with row {@code n - 1 - p} to give every pair the same work.
     */
    private static void updateTrailing(double[] u, int n, int kb, int ke) {
        int rows = n - ke;
        int pairs = (rows + 1) / 2;
        long workPerPair = (long) (ke - kb) * (rows + 1);
        int grain = (int) Math.max(1, Triangular.PARALLEL_WORK / Math.max(1, workPerPair));
        Parallel.forRange(pairs, grain, (from, to) -> {
            for (int p = from; p < to; p++) {
                updateRow(u, n, kb, ke, ke + p);
                if (n - 1 - p != ke + p) {
                    updateRow(u, n, kb, ke, n - 1 - p);
                }
            }
        });
    }

    private static void updateRow(double[] u, int n, int kb, int ke, int i) {
        for (int k = kb; k < ke; k++) {
            K.axpy(-u[k * n + i], u, k * n + i, u, i * n + i, n - i);
        }
    }

    /** The order {@code n}. */
    public int n() {
        return n;
    }

    /** The damping that was added to the diagonal before the factorisation succeeded. */
    public double lambda() {
        return lambda;
    }

    /** The lower factor {@code L} (a new array, zero above the diagonal). */
    public double[] lower() {
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                l[j * n + i] = u[i * n + j];
            }
        }
        return l;
    }

    /** The upper factor {@code U = L^T} (a new array, zero below the diagonal). */
    public double[] upper() {
        return u.clone();
    }

    /** The upper factor itself, for this package's algorithms that only read it. */
    double[] upperView() {
        return u;
    }

    /** Solves {@code (A + lambda I) X = B} for {@code B} of {@code n x k}; {@code B} is not modified. */
    public double[] solve(double[] b, int k) {
        Matrices.requireShape("b", b, n, k);
        double[] x = b.clone();
        Triangular.solveUpperTransposedInPlace(u, n, x, k);
        Triangular.solveUpperInPlace(u, n, x, k);
        return x;
    }

    /**
     * The inverse of {@code A + lambda I}, as {@code U^{-1} U^{-T}} (LAPACK's {@code potri}): {@code U^{-1}} by
     * {@link Triangular#invertUpper}, then the product row by row. Exactly symmetric.
     */
    public double[] inverse() {
        // w = U^{-T} = L^{-1}, lower; the inverse is W^T W, whose row i is sum_{m >= i} W_mi W_m.
        double[] w = Triangular.invertUpper(u, n);
        transposeInPlace(w, n);
        double[] inv = new double[n * n];
        int grain = (int) Math.max(1, Triangular.PARALLEL_WORK / Math.max(1, (long) n * n / 4));
        Parallel.forRange(n, grain, (from, to) -> {
            for (int i = from; i < to; i++) {
                for (int m = i; m < n; m++) {
                    K.axpy(w[m * n + i], w, m * n, inv, i * n, i + 1);
                }
            }
        });
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                inv[j * n + i] = inv[i * n + j];
            }
        }
        return inv;
    }

    private static void transposeInPlace(double[] a, int n) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double t = a[i * n + j];
                a[i * n + j] = a[j * n + i];
                a[j * n + i] = t;
            }
        }
    }
}
