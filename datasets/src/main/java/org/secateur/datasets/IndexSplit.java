package org.secateur.datasets;

import java.util.Arrays;
import org.secateur.tensor.Rng;

/**
 * A seeded partition of {@code [0, n)} into training and validation indices, each in increasing order; apply it
 * with a dataset's {@code subset}.
 *
 * @param train the training indices
 * @param validation the validation indices
 */
public record IndexSplit(int[] train, int[] validation) {

    /**
     * A random split with {@code round(validationFraction * n)} validation indices, the same for the same seed.
     *
     * @throws IllegalArgumentException if {@code n} is negative or the fraction is not in {@code [0, 1]}
     */
    public static IndexSplit random(int n, double validationFraction, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        if (!(validationFraction >= 0 && validationFraction <= 1)) {
            throw new IllegalArgumentException("validationFraction must be in [0, 1], got " + validationFraction);
        }
        int v = (int) Math.round(validationFraction * n);
        int[] perm = new Rng(seed).permutation(n);
        int[] validation = Arrays.copyOfRange(perm, 0, v);
        int[] train = Arrays.copyOfRange(perm, v, n);
        Arrays.sort(validation);
        Arrays.sort(train);
        return new IndexSplit(train, validation);
    }
}
