package org.secateur.sparsity.secondorder;

import java.util.Arrays;

/**
 * The ExactOBS algorithm for one row (OBC, Frantar, Singh &amp; Alistarh 2022, Algorithm 1): repeatedly prune the
 * weight {@code p} of least {@code w_p^2 / [H^-1]_pp}, update the others by {@code w -= H^-1[:,p] w_p / [H^-1]_pp},
 * and remove {@code p} from the inverse, {@code H^-1 -= H^-1[:,p] H^-1[p,:] / [H^-1]_pp}; each step costs its error
 * {@code w_p^2 / (2 [H^-1]_pp)}.
 *
 * <p>The downdates are applied lazily: the inverse is kept as {@code A - U U^T}, each step adding the column
 * {@code u = H^-1[:,p] / sqrt([H^-1]_pp)} to {@code U} and reading the one column of the inverse it needs as
 * {@code A[:,p] - U U[p,:]^T}. Every {@value #BLOCK} steps {@code U U^T} is folded into {@code A}, four rows at a time
 * by a register-blocked kernel, and the pruned weights are dropped, so that {@code A} always covers the remaining
 * weights contiguously. This does the arithmetic of the eager update, {@code O(m^2)} per step for {@code m}
 * remaining weights, but streams the matrix once per block instead of once per step, which keeps a 784-column
 * layer out of the memory-bandwidth limit.
 *
 * <p>A solver is a workspace for rows of {@code d} columns: one per thread, reused row after row.
 */
final class ObsRowSolver {
    private static final RowKernels K = RowKernels.CHOSEN;

    /** Steps between folds of {@code U U^T} into {@code A}. */
    static final int BLOCK = 32;

    /** Which weights may be pruned next (N:M allows only those of groups with more than N left). */
    interface Eligibility {
        /** Whether column {@code c} may be pruned now. */
        boolean eligible(int c);

        /** Told that column {@code c} was pruned. */
        void pruned(int c);
    }

    /** Every weight is eligible. */
    static final Eligibility ANY = new Eligibility() {
        @Override
        public boolean eligible(int c) {
            return true;
        }

        @Override
        public void pruned(int c) {}
    };

    private final int d;
    /** The base inverse over the {@code m} remaining slots, row-major with stride {@code m}. */
    private final double[] a;
    /** Row {@code i} holds {@code u_i} over the slots: the columns added since the last fold. */
    private final double[] ut;
    private final double[] diag;
    private final double[] w;
    private final double[] col;
    /** Four rows of {@code A} being folded, and their coefficients in {@code U}. */
    private final double[] block;
    private final double[] coefficients;
    /** The column of each slot. */
    private final int[] column;
    /** The slots kept by a fold. */
    private final int[] keep;
    /** The slots pruned since the last fold, in order. */
    private final int[] pending;
    private final boolean[] pruned;
    private int m;
    private int j;

    ObsRowSolver(int d) {
        this.d = d;
        this.a = new double[d * d];
        this.ut = new double[BLOCK * d];
        this.diag = new double[d];
        this.w = new double[d];
        this.col = new double[d];
        this.block = new double[4 * d];
        this.coefficients = new double[4 * BLOCK];
        this.column = new int[d];
        this.keep = new int[d];
        this.pending = new int[BLOCK];
        this.pruned = new boolean[d];
    }

    /** Starts a row: {@code w = weights[offset .. offset + d)} with the inverse {@code hInv} of all {@code d}. */
    void load(double[] hInv, double[] weights, int offset) {
        System.arraycopy(hInv, 0, a, 0, d * d);
        System.arraycopy(weights, offset, w, 0, d);
        for (int s = 0; s < d; s++) {
            column[s] = s;
            diag[s] = a[s * d + s];
        }
        Arrays.fill(pruned, false);
        m = d;
        j = 0;
    }

    /** The slot of least {@code w^2 / [H^-1]_pp} among the eligible unpruned ones (first among ties); -1 if none. */
    int best(Eligibility rule) {
        int best = -1;
        double bestScore = Double.POSITIVE_INFINITY;
        for (int s = 0; s < m; s++) {
            int c = column[s];
            if (pruned[c] || !rule.eligible(c)) {
                continue;
            }
            double score = w[s] * w[s] / diag[s];
            if (best < 0 || score < bestScore) {
                best = s;
                bestScore = score;
            }
        }
        return best;
    }

    /** The slot holding column {@code c}, which must not be pruned. */
    int slotOf(int c) {
        for (int s = 0; s < m; s++) {
            if (column[s] == c && !pruned[c]) {
                return s;
            }
        }
        throw new IllegalArgumentException("column " + c + " is already pruned");
    }

    /** The column in slot {@code s}. */
    int columnOf(int s) {
        return column[s];
    }

    /** Prunes slot {@code p}, updates the others and the inverse; returns the step's error. */
    double prune(int p, Eligibility rule) {
        int c = column[p];
        currentColumn(p);
        double dpp = col[p];
        if (!(dpp > 0)) {
            throw new IllegalStateException("[H^-1]_pp = " + dpp + " for column " + c + " after " + (d - m + j)
                    + " steps: the inverse Hessian lost positive definiteness; increase the damping");
        }
        double wp = w[p];
        K.axpy(-wp / dpp, col, 0, w, 0, m);     // col is 0 at the pending slots: their weights stay 0
        w[p] = 0;
        double scale = 1 / Math.sqrt(dpp);
        int uo = j * d;
        for (int s = 0; s < m; s++) {
            double u = col[s] * scale;
            ut[uo + s] = u;
            diag[s] -= u * u;
        }
        pruned[c] = true;
        rule.pruned(c);
        pending[j++] = p;
        if (j == BLOCK) {
            fold();
        }
        return wp * wp / (2 * dpp);
    }

    /** Column {@code p} of the current inverse into {@code col}, zero at the slots pruned since the last fold. */
    private void currentColumn(int p) {
        System.arraycopy(a, p * m, col, 0, m);
        for (int i = 0; i < j; i++) {
            K.axpy(-ut[i * d + p], ut, i * d, col, 0, m);
        }
        for (int i = 0; i < j; i++) {
            col[pending[i]] = 0;
        }
    }

    /** {@code A -= U U^T} on the unpruned slots, which are then packed to the front with stride {@code m'}. */
    private void fold() {
        int next = 0;
        for (int s = 0; s < m; s++) {
            if (!pruned[column[s]]) {
                keep[next++] = s;
            }
        }
        for (int k0 = 0; k0 < next; k0 += 4) {
            int rows = Math.min(4, next - k0);
            for (int r = 0; r < rows; r++) {
                int s = keep[k0 + r];
                System.arraycopy(a, s * m, block, r * m, m);
                for (int i = 0; i < j; i++) {
                    coefficients[r * j + i] = ut[i * d + s];
                }
            }
            K.subtractCombinations(rows, coefficients, j, ut, d, block, m);
            // packed rows end at (k0 + rows) * next <= keep[k0 + rows] * m: no row still to be read is overwritten
            for (int r = 0; r < rows; r++) {
                int o = (k0 + r) * next;
                for (int l = 0; l < next; l++) {
                    a[o + l] = block[r * m + keep[l]];
                }
            }
        }
        for (int k = 0; k < next; k++) {
            w[k] = w[keep[k]];
            column[k] = column[keep[k]];
            diag[k] = a[k * next + k];
        }
        m = next;
        j = 0;
    }

    /** The row's weights by column: 0 where pruned, the updated values elsewhere. */
    void weightsInto(double[] out, int offset) {
        Arrays.fill(out, offset, offset + d, 0);
        for (int s = 0; s < m; s++) {
            if (!pruned[column[s]]) {
                out[offset + column[s]] = w[s];
            }
        }
    }

    /** The columns not pruned yet, ascending. */
    int[] remainingColumns() {
        return Arrays.stream(Arrays.copyOf(column, m)).filter(c -> !pruned[c]).sorted().toArray();
    }

    /** The current inverse over {@link #remainingColumns()}, with the pending downdates applied (for tests). */
    double[] currentInverse() {
        int[] cols = remainingColumns();
        int k = cols.length;
        double[] out = new double[k * k];
        for (int x = 0; x < k; x++) {
            currentColumn(slotOf(cols[x]));
            for (int y = 0; y < k; y++) {
                out[y * k + x] = col[slotOf(cols[y])];
            }
        }
        return out;
    }
}
