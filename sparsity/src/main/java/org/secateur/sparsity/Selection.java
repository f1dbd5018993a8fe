package org.secateur.sparsity;

import java.util.Arrays;

/**
 * Finds the k lowest of n scores in O(n) without sorting: a most-significant-digit radix select over the scores'
 * IEEE 754 bit patterns, mapped so that integer order is numeric order. Each pass counts one byte of the candidates
 * and keeps the bucket holding the k-th lowest, so a few passes narrow n scores down to one value, whatever the
 * distribution; runs of equal scores (zero gradients) cost nothing extra.
 */
final class Selection {
    private Selection() {}

    /** Below this many candidates, sorting them is cheaper than another pass. */
    private static final int SORT_BELOW = 64;

    /**
     * The cut below the {@code k} lowest scores: every score below {@code value} is among them, and so are the first
     * {@code ties} scores equal to it (first in the caller's order, which makes ties deterministic).
     */
    record Threshold(double value, int ties) {}

    /** The threshold of the {@code k} lowest of {@code scores}, {@code 1 <= k <= scores.length}, none NaN. */
    static Threshold lowest(double[] scores, int k) {
        long[] keys = new long[scores.length];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = orderedBits(scores[i]);
        }
        int m = keys.length;
        int[] count = new int[256];
        for (int shift = 56; shift >= 0 && m >= SORT_BELOW; shift -= 8) {
            Arrays.fill(count, 0);
            for (int i = 0; i < m; i++) {
                count[digit(keys[i], shift)]++;
            }
            int bucket = 0;
            while (k > count[bucket]) {
                k -= count[bucket++];
            }
            int kept = 0;
            for (int i = 0; i < m; i++) {
                if (digit(keys[i], shift) == bucket) {
                    keys[kept++] = keys[i];
                }
            }
            m = kept;
        }
        // the k-th lowest is among the m candidates left, k of them counted from the lowest
        Arrays.sort(keys, 0, m);
        long cut = keys[k - 1];
        int below = k - 1;
        while (below > 0 && keys[below - 1] == cut) {
            below--;
        }
        return new Threshold(Double.longBitsToDouble(cut ^ ((cut >> 63) & Long.MAX_VALUE)), k - below);
    }

    /** The bits of {@code s} as a long whose signed order is the numeric order of the doubles; -0.0 counts as 0.0. */
    private static long orderedBits(double s) {
        long bits = Double.doubleToRawLongBits(s + 0.0);
        return bits ^ ((bits >> 63) & Long.MAX_VALUE);
    }

    /** Byte {@code shift / 8} of a key, counting from the least significant, with the sign bit flipped for unsigned order. */
    private static int digit(long key, int shift) {
        return (int) ((key ^ Long.MIN_VALUE) >>> shift) & 0xFF;
    }
}
