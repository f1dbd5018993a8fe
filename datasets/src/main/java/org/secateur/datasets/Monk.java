package org.secateur.datasets;

import java.util.Arrays;
import org.secateur.tensor.Rng;

/**
 * The three MONK's problems (Thrun et al. 1991, "The MONK's Problems: A Performance Comparison of Different Learning
 * Algorithms", CMU-CS-91-197), generated from their published rules over the whole attribute space.
 *
 * <p>Six attributes take the values {@code a1, a2, a4 in 1..3}, {@code a3, a6 in 1..2}, {@code a5 in 1..4}: 432
 * robots, all of which form the test set. Targets:
 * <ol>
 *   <li>MONK-1: {@code a1 == a2 or a5 == 1};
 *   <li>MONK-2: exactly two attributes equal 1;
 *   <li>MONK-3: {@code (a5 == 3 and a4 == 1) or (a5 != 4 and a2 != 3)}.
 * </ol>
 * Training sets have the published sizes 124, 169 and 122, drawn by seed; MONK-3's has 5% label noise
 * ({@code round(0.05 * 122) = 6} flipped labels, chosen by seed). Inputs are one-hot, 3+3+2+3+4+2 = 17 features, in
 * attribute order; labels are 0 and 1.
 */
public final class Monk {
    /** Number of values of each attribute a1..a6. */
    private static final int[] VALUES = {3, 3, 2, 3, 4, 2};
    /** The published training-set sizes of MONK-1, -2 and -3. */
    private static final int[] TRAINING_SIZES = {124, 169, 122};
    /** Number of distinct robots, the test-set size. */
    public static final int EXAMPLES = 432;
    /** One-hot input width. */
    public static final int FEATURES = 17;
    /** MONK-3's training label noise. */
    public static final double MONK3_NOISE = 0.05;

    private Monk() {}

    /**
     * One MONK's problem.
     *
     * @param number 1, 2 or 3
     * @param train the training set
     * @param test all 432 examples with their true labels
     * @param trainExamples which of the 432 examples (test-set rows) each training row is, increasing
     * @param noisyTrainRows the training rows whose label was flipped (MONK-3 only), increasing
     */
    public record Problem(int number, TabularDataset train, TabularDataset test, int[] trainExamples,
            int[] noisyTrainRows) {}

    /** The attribute values {@code a1..a6} (each from 1) of example {@code i}, in lexicographic order of examples. */
    public static int[] attributes(int i) {
        if (i < 0 || i >= EXAMPLES) {
            throw new IllegalArgumentException("example must be in [0, " + EXAMPLES + "), got " + i);
        }
        int[] a = new int[VALUES.length];
        for (int k = VALUES.length - 1; k >= 0; k--) {
            a[k] = i % VALUES[k] + 1;
            i /= VALUES[k];
        }
        return a;
    }

    /** The true class of attributes {@code a} (a1..a6, each from 1) under problem {@code number}. */
    public static boolean target(int number, int[] a) {
        return switch (number) {
            case 1 -> a[0] == a[1] || a[4] == 1;
            case 2 -> Arrays.stream(a).filter(v -> v == 1).count() == 2;
            case 3 -> (a[4] == 3 && a[3] == 1) || (a[4] != 4 && a[1] != 3);
            default -> throw new IllegalArgumentException("MONK's problem number must be 1, 2 or 3, got " + number);
        };
    }

    /** MONK's problem {@code number} (1, 2 or 3) with its training subset and noise drawn from {@code seed}. */
    public static Problem problem(int number, long seed) {
        target(number, attributes(0)); // validates the number before any work
        double[] x = new double[EXAMPLES * FEATURES];
        int[] y = new int[EXAMPLES];
        for (int i = 0; i < EXAMPLES; i++) {
            int[] a = attributes(i);
            int base = 0;
            for (int k = 0; k < a.length; k++) {
                x[i * FEATURES + base + a[k] - 1] = 1;
                base += VALUES[k];
            }
            y[i] = target(number, a) ? 1 : 0;
        }
        TabularDataset test = new TabularDataset(x, FEATURES, y, 2);

        Rng root = new Rng(seed);
        Rng pick = root.split();
        Rng noise = root.split();
        int[] chosen = Arrays.copyOf(pick.permutation(EXAMPLES), TRAINING_SIZES[number - 1]);
        Arrays.sort(chosen);
        TabularDataset clean = test.subset(chosen);
        int[] noisy = new int[0];
        if (number == 3) {
            noisy = Arrays.copyOf(noise.permutation(chosen.length), (int) Math.round(MONK3_NOISE * chosen.length));
            Arrays.sort(noisy);
        }
        int[] labels = clean.labels().clone();
        for (int r : noisy) {
            labels[r] = 1 - labels[r];
        }
        TabularDataset train = new TabularDataset(clean.features(), FEATURES, labels, 2);
        return new Problem(number, train, test, chosen, noisy);
    }
}
