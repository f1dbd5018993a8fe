package org.secateur.sparsity;

/**
 * A partition of a weight's entries (flat row-major indices) into {@link #count()} groups of {@link #size()}
 * entries each: what a {@link Granularity} prunes or keeps together.
 *
 * <p>Groups are numbered in row-major order of the indices that tell them apart, and their members in row-major
 * order of the indices inside a group: for a filter granularity group {@code g} is output channel {@code g}, for a
 * channel granularity input channel {@code g}. A structured criterion ({@link Scores.PerGroup}) scores groups in
 * this order.
 */
public final class Groups {
    private final int count;
    private final int size;
    /** Member indices group after group; {@code null} when group {@code g} is the contiguous run from {@code g*size}. */
    private final int[] members;

    private Groups(int count, int size, int[] members) {
        this.count = count;
        this.size = size;
        this.members = members;
    }

    /**
     * The groups of a row-major tensor of shape {@code view}, where the entries of a group share every index except
     * those of the axes marked {@code grouped}.
     */
    static Groups of(int[] view, boolean[] grouped) {
        int rank = view.length;
        int numel = 1;
        int size = 1;
        boolean suffix = true;
        for (int a = 0; a < rank; a++) {
            numel *= view[a];
            if (grouped[a]) {
                size *= view[a];
            } else if (a > 0 && grouped[a - 1]) {
                suffix = false;
            }
        }
        if (suffix) {
            // grouped axes trail the others: each group is one contiguous run, nothing to materialise
            return new Groups(numel / size, size, null);
        }
        int[] groupStride = new int[rank];
        int[] memberStride = new int[rank];
        for (int a = rank - 1, gs = 1, ms = 1; a >= 0; a--) {
            if (grouped[a]) {
                memberStride[a] = ms;
                ms *= view[a];
            } else {
                groupStride[a] = gs;
                gs *= view[a];
            }
        }
        int[] members = new int[numel];
        int[] index = new int[rank];
        int g = 0;
        int m = 0;
        for (int flat = 0; flat < numel; flat++) {
            members[g * size + m] = flat;
            for (int a = rank - 1; a >= 0; a--) {
                index[a]++;
                g += groupStride[a];
                m += memberStride[a];
                if (index[a] < view[a]) {
                    break;
                }
                g -= groupStride[a] * view[a];
                m -= memberStride[a] * view[a];
                index[a] = 0;
            }
        }
        return new Groups(numel / size, size, members);
    }

    /** Number of groups. */
    public int count() {
        return count;
    }

    /** Entries per group. */
    public int size() {
        return size;
    }

    /** The flat index of the {@code j}-th entry of group {@code g}. */
    public int member(int g, int j) {
        return members == null ? g * size + j : members[g * size + j];
    }
}
