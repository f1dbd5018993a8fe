package org.secateur.sparsity;

/**
 * The Ln norm {@code (sum_i |s_i|^p)^(1/p)} that turns the entry scores of a group into the group's score, as the
 * {@code n} of PyTorch's {@code ln_structured}: L1 of the weights is the filter norm of Li et al. 2017 ("Pruning
 * Filters for Efficient ConvNets", §3.1). {@code p = +infinity} takes the largest |score|.
 */
public record Norm(double p) {
    public static final Norm L1 = new Norm(1);
    public static final Norm L2 = new Norm(2);

    public Norm {
        if (!(p > 0)) {
            throw new IllegalArgumentException("norm order p=" + p + ": expected p > 0");
        }
    }

    /** Accumulates one more entry's score into a running {@code sum |s|^p} (or max for the infinity norm). */
    double accumulate(double acc, double score) {
        double a = Math.abs(score);
        if (p == 1) {
            return acc + a;
        }
        if (p == 2) {
            return acc + a * a;
        }
        return p == Double.POSITIVE_INFINITY ? Math.max(acc, a) : acc + Math.pow(a, p);
    }

    /** The norm from its accumulated {@code sum |s|^p}. */
    double finish(double acc) {
        if (p == 1 || p == Double.POSITIVE_INFINITY) {
            return acc;
        }
        return p == 2 ? Math.sqrt(acc) : Math.pow(acc, 1 / p);
    }
}
