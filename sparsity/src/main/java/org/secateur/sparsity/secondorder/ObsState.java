package org.secateur.sparsity.secondorder;

import java.util.Arrays;
import org.secateur.linalg.ObsDowndate;

/**
 * The state of global OBS (Hassibi &amp; Stork 1993): the weights {@code w}, which are unpruned, and {@code H^{-1}}
 * over all {@code n} positions with the rows and columns of pruned entries zero, so that the unpruned block is the
 * inverse of the Hessian restricted to the unpruned entries.
 */
final class ObsState {
    private static final RowKernels K = RowKernels.CHOSEN;

    final int n;
    final double[] w;
    final boolean[] alive;
    final double[] hInv;

    ObsState(double[] w, boolean[] alive) {
        this.n = w.length;
        this.w = w;
        this.alive = alive;
        this.hInv = new double[n * n];
    }

    /** Sets {@code H^{-1}} from the inverse over the unpruned entries {@code indices} (ascending), zero elsewhere. */
    void setInverse(int[] indices, double[] compact) {
        Arrays.fill(hInv, 0);
        int m = indices.length;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                hInv[indices[i] * n + indices[j]] = compact[i * m + j];
            }
        }
    }

    /** The unpruned entry of least {@code E_q = w_q^2 / (2 [H^-1]_qq)}, the lowest index among ties; -1 if none. */
    int candidate() {
        int best = -1;
        double bestError = Double.POSITIVE_INFINITY;
        for (int q = 0; q < n; q++) {
            if (alive[q]) {
                double e = error(q);
                if (best < 0 || e < bestError) {
                    best = q;
                    bestError = e;
                }
            }
        }
        return best;
    }

    /** {@code E_q = w_q^2 / (2 [H^-1]_qq)} (Hassibi &amp; Stork 1993, eq. 6). */
    double error(int q) {
        return w[q] * w[q] / (2 * hInv[q * n + q]);
    }

    /**
     * Removes {@code q} from the weights: {@code dw = -(w_q / [H^-1]_qq) H^-1 e_q} (eq. 5) on the unpruned entries,
     * and {@code w_q = 0} exactly. {@code H^-1} is left for {@link #downdate}.
     */
    void removeWeight(int q) {
        double scale = -w[q] / hInv[q * n + q];
        K.axpy(scale, hInv, q * n, w, 0, n);
        w[q] = 0;
        alive[q] = false;
    }

    /** Removes row and column {@code q} from {@code H^-1} (OBC's Lemma 1) instead of inverting again. */
    void downdate(int q) {
        ObsDowndate.removeInPlace(hInv, n, q);
    }
}
