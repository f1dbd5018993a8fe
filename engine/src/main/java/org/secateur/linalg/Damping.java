package org.secateur.linalg;

/**
 * How much to add to the diagonal of a symmetric matrix before factorising it, {@code H + lambda I}: an absolute
 * {@code lambda}, or one relative to the mean of the diagonal, {@code lambda = percdamp * mean(diag(H))}, as the
 * {@code percdamp} option of OBC (Frantar, Singh &amp; Alistarh 2022) and GPTQ (Frantar et al. 2023) sets it.
 *
 * <p>With {@code retries > 0}, a factorisation that meets a non-positive pivot starts again with {@code lambda}
 * multiplied by {@code growth}, up to {@code retries} more times.
 *
 * @param amount   the absolute {@code lambda}, or the fraction {@code percdamp} when {@code relative}
 * @param relative whether {@code amount} is relative to the mean diagonal
 * @param retries  how many times to retry with a larger {@code lambda}
 * @param growth   the factor {@code lambda} grows by on each retry
 */
public record Damping(double amount, boolean relative, int retries, double growth) {

    /** The growth used when none is given: one decade per retry. */
    private static final double DEFAULT_GROWTH = 10;

    public Damping {
        if (!(amount >= 0) || Double.isInfinite(amount)) {
            throw new IllegalArgumentException("damping amount must be finite and >= 0, got " + amount);
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0, got " + retries);
        }
        if (!(growth > 1) || Double.isInfinite(growth)) {
            throw new IllegalArgumentException("growth must be finite and > 1, got " + growth);
        }
        if (retries > 0 && amount == 0) {
            throw new IllegalArgumentException("retries need a positive damping amount to grow, got amount 0");
        }
    }

    /** No damping: factorise {@code H} itself. */
    public static Damping none() {
        return new Damping(0, false, 0, DEFAULT_GROWTH);
    }

    /** {@code H + lambda I}. */
    public static Damping absolute(double lambda) {
        return new Damping(lambda, false, 0, DEFAULT_GROWTH);
    }

    /** {@code H + percdamp * mean(diag(H)) I}, the damping of OBC and GPTQ (which default to 0.01). */
    public static Damping relative(double percdamp) {
        return new Damping(percdamp, true, 0, DEFAULT_GROWTH);
    }

    /** This damping, retried up to {@code retries} times with {@code lambda} multiplied by {@code growth}. */
    public Damping withRetries(int retries, double growth) {
        return new Damping(amount, relative, retries, growth);
    }

    /** The {@code lambda} of the first attempt on the {@code n x n} matrix {@code h}. */
    public double initialLambda(double[] h, int n) {
        if (!relative || amount == 0) {
            return amount;
        }
        return n == 0 ? 0 : amount * (Matrices.trace(h, n) / n);
    }
}
