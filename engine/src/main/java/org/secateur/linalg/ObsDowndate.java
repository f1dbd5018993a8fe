package org.secateur.linalg;

/**
 * The inverse-Hessian downdate for removing one index: given {@code H^{-1}} and an index {@code q}, the inverse of
 * {@code H} with row and column {@code q} removed is
 * <pre>{@code H_{-q}^{-1} = (H^{-1} - H^{-1}_{:,q} H^{-1}_{q,:} / [H^{-1}]_qq)_{-q}}</pre>
 * (OBC, Frantar, Singh &amp; Alistarh 2022, Lemma 1): one step of Gaussian elimination on {@code H^{-1}}, which
 * ExactOBS applies after each pruned weight instead of re-inverting, and which underlies the OBS weight update
 * (Hassibi &amp; Stork 1993, eq. 5).
 *
 * <p>{@code H^{-1}} is taken as symmetric: column {@code q} is read as row {@code q}. The results are symmetric up to
 * rounding.
 */
public final class ObsDowndate {
    private ObsDowndate() {}

    private static final LinalgKernels K = LinalgKernels.CHOSEN;

    /**
     * Applies the downdate to the full {@code n x n} matrix in place and zeroes row and column {@code q}, so that
     * indices keep their positions (as ExactOBS does). Rows already zeroed by earlier removals are skipped and stay
     * zero; the other entries are then the inverse of {@code H} restricted to the indices still present.
     */
    public static void removeInPlace(double[] hInv, int n, int q) {
        double[] r = pivotRow(hInv, n, q);
        double d = r[q];
        for (int i = 0; i < n; i++) {
            if (i != q && r[i] != 0) {
                K.axpy(-r[i] / d, r, 0, hInv, i * n, n);
            }
        }
        for (int i = 0; i < n; i++) {
            hInv[i * n + q] = 0;
            hInv[q * n + i] = 0;
        }
    }

    /** The downdated inverse as a new {@code (n-1) x (n-1)} matrix, without row and column {@code q}. */
    public static double[] removed(double[] hInv, int n, int q) {
        double[] r = pivotRow(hInv, n, q);
        double d = r[q];
        int m = n - 1;
        double[] out = new double[m * m];
        for (int i = 0, oi = 0; i < n; i++) {
            if (i == q) {
                continue;
            }
            // The row without column q, then the same update as removeInPlace on its two pieces.
            System.arraycopy(hInv, i * n, out, oi * m, q);
            System.arraycopy(hInv, i * n + q + 1, out, oi * m + q, m - q);
            if (r[i] != 0) {
                double alpha = -r[i] / d;
                K.axpy(alpha, r, 0, out, oi * m, q);
                K.axpy(alpha, r, q + 1, out, oi * m + q, m - q);
            }
            oi++;
        }
        return out;
    }

    /** A copy of row {@code q}, after checking the arguments and that {@code [H^{-1}]_qq > 0}. */
    private static double[] pivotRow(double[] hInv, int n, int q) {
        Matrices.requireSquare("hInv", hInv, n);
        if (q < 0 || q >= n) {
            throw new IllegalArgumentException("q = " + q + " is out of range for a " + n + " x " + n + " hInv");
        }
        double d = hInv[q * n + q];
        if (!(d > 0) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("hInv[" + q + "][" + q + "] = " + d
                    + ", expected finite and > 0 (an inverse of a positive definite matrix; already removed?)");
        }
        double[] r = new double[n];
        System.arraycopy(hInv, q * n, r, 0, n);
        return r;
    }
}
