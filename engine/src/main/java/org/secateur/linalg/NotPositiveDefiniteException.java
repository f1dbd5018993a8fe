package org.secateur.linalg;

/**
 * Thrown when a Cholesky factorisation meets a pivot that is not positive: the matrix (after any damping) is not
 * symmetric positive definite, or is too ill-conditioned to be factorised in double precision.
 *
 * <p>The pivot at index {@code q} is the diagonal element left after eliminating the indices factorised before it;
 * it is positive for every {@code q} exactly when the matrix is positive definite.
 */
public final class NotPositiveDefiniteException extends IllegalArgumentException {
    private final int pivot;
    private final double value;
    private final double lambda;

    NotPositiveDefiniteException(String name, int n, int pivot, double value, double lambda, int attempts) {
        super(name + " (" + n + " x " + n + ") is not positive definite: pivot " + pivot + " is " + value
                + ", expected > 0" + (lambda == 0 ? "" : " after adding lambda = " + lambda + " to the diagonal")
                + (attempts > 1 ? " (attempt " + attempts + ", lambda grown on each failure)" : ""));
        this.pivot = pivot;
        this.value = value;
        this.lambda = lambda;
    }

    /** The index at which the factorisation broke down. */
    public int pivot() {
        return pivot;
    }

    /** The non-positive (or NaN) pivot value found there. */
    public double value() {
        return value;
    }

    /** The damping {@code lambda} that was on the diagonal in the last attempt. */
    public double lambda() {
        return lambda;
    }
}
