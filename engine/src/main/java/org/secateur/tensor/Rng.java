package org.secateur.tensor;

import java.util.SplittableRandom;

/**
 * The one source of randomness: a seeded {@link SplittableRandom}. Give each use its own stream with
 * {@link #split()} (initialisation, shuffling, dropout), so adding a random draw in one place does not shift the
 * numbers everywhere else.
 */
public final class Rng {
    private final SplittableRandom random;
    private final long seed;

    public Rng(long seed) {
        this(new SplittableRandom(seed), seed);
    }

    private Rng(SplittableRandom random, long seed) {
        this.random = random;
        this.seed = seed;
    }

    /** The seed this generator (or the root it was split from) was made with. */
    public long seed() {
        return seed;
    }

    /** An independent generator for one use. */
    public Rng split() {
        return new Rng(random.split(), seed);
    }

    /** Uniform in {@code [0, 1)}. */
    public double nextDouble() {
        return random.nextDouble();
    }

    /** Standard normal. */
    public double nextGaussian() {
        return random.nextGaussian();
    }

    /** Uniform in {@code [0, bound)}. */
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    public long nextLong() {
        return random.nextLong();
    }

    /** Fisher-Yates shuffle in place. */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** A random permutation of {@code [0, n)}. */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p);
        return p;
    }
}
