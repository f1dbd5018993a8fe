package org.secateur.sparsity.secondorder;

import org.secateur.linalg.Spd;
import org.secateur.tensor.kernels.Parallel;

/**
 * The least-squares refit of a layer's surviving weights given its mask: per row, {@code w_hat} minimising
 * {@code 1/2 (w - w_hat)^T H (w - w_hat)} with {@code w_hat = 0} off the mask, which solves the normal equations
 * {@code H_SS w_hat_S = (H w)_S} on the row's surviving columns {@code S}. The joint update of L-OBS and the refit
 * of AdaPrune; the point every sequence of exact OBS steps to the same mask arrives at.
 */
final class Refit {
    private Refit() {}

    /** The refitted {@code rows x cols} weights. */
    static double[] rows(double[] h, double[] w, boolean[] alive, int rows, int cols) {
        double[] out = new double[rows * cols];
        Parallel.forRange(rows, 1, (from, to) -> {
            for (int r = from; r < to; r++) {
                row(h, w, alive, cols, r, out);
            }
        });
        return out;
    }

    private static void row(double[] h, double[] w, boolean[] alive, int cols, int r, double[] out) {
        int o = r * cols;
        int m = 0;
        int[] s = new int[cols];
        for (int c = 0; c < cols; c++) {
            if (alive[o + c]) {
                s[m++] = c;
            }
        }
        if (m == 0) {
            return;
        }
        double[] hss = new double[m * m];
        double[] rhs = new double[m];
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < m; k++) {
                hss[i * m + k] = h[s[i] * cols + s[k]];
            }
            rhs[i] = RowKernels.CHOSEN.dot(h, s[i] * cols, w, o, cols);
        }
        double[] x = Spd.solve(hss, m, rhs, 1);
        for (int i = 0; i < m; i++) {
            out[o + s[i]] = x[i];
        }
    }
}
