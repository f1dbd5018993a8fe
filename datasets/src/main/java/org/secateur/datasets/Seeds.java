package org.secateur.datasets;

/**
 * Derives independent seeds from a base seed and a path of keys (stream, epoch, batch), so that the randomness of
 * epoch {@code e} or batch {@code b} depends only on the seed and those numbers, never on what ran before.
 */
final class Seeds {
    static final long ORDER = 1;
    static final long AUGMENT = 2;

    private Seeds() {}

    /** A seed for the path {@code keys} under {@code seed}: splitmix64's finaliser applied key by key. */
    static long derive(long seed, long... keys) {
        long h = mix(seed);
        for (long k : keys) {
            h = mix(h ^ mix(k + 0x9E3779B97F4A7C15L));
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
