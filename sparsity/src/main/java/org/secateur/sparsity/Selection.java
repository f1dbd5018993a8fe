package org.secateur.sparsity;

import java.util.Arrays;

/**
 * Finds the k lowest of n scores in expected O(n) time, without sorting: a quickselect with median-of-three pivots
 * and three-way partitioning, so that runs of equal scores (zero gradients, pruned entries) cost nothing extra; a
 * sort of the remaining range bounds the worst case at O(n log n).
 */
final class Selection {
    private Selection() {}

    /**
     * The cut below the {@code k} lowest scores: every score below {@code value} is among them, and so are the first
     * {@code ties} scores equal to it (first in the caller's order, which makes ties deterministic).
     */
    record Threshold(double value, int ties) {}

    /**
     * The threshold of the {@code k} lowest entries of {@code scratch}, {@code 1 <= k <= scratch.length}; reorders
     * {@code scratch}, which must hold no NaN.
     */
    static Threshold lowest(double[] scratch, int k) {
        double[] a = scratch;
        int target = k - 1;
        int lo = 0;
        int hi = a.length - 1;
        // after this many rounds the pivots are being unlucky: finish with a sort
        int rounds = 2 * (32 - Integer.numberOfLeadingZeros(a.length)) + 8;
        while (rounds-- > 0) {
            double pivot = medianOfThree(a[lo], a[(lo + hi) >>> 1], a[hi]);
            // Dijkstra's three-way partition: [lo, lt) < pivot, [lt, i) == pivot, (gt, hi] > pivot
            int lt = lo;
            int i = lo;
            int gt = hi;
            while (i <= gt) {
                double v = a[i];
                if (v < pivot) {
                    a[i++] = a[lt];
                    a[lt++] = v;
                } else if (v > pivot) {
                    a[i] = a[gt];
                    a[gt--] = v;
                } else {
                    i++;
                }
            }
            // everything left of lo is below everything in [lo, hi], so lt counts all scores below the pivot
            if (target < lt) {
                hi = lt - 1;
            } else if (target > gt) {
                lo = gt + 1;
            } else {
                return new Threshold(pivot, k - lt);
            }
        }
        Arrays.sort(a, lo, hi + 1);
        double value = a[target];
        int below = target;
        while (below > lo && a[below - 1] == value) {
            below--;
        }
        return new Threshold(value, k - below);
    }

    private static double medianOfThree(double x, double y, double z) {
        return Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
    }
}
