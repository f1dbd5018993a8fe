package org.secateur.sparsity.secondorder;

import org.secateur.tensor.Rng;

/**
 * Hutchinson's stochastic estimate of a curvature's diagonal, {@code diag(C) = E[z * (C z)]} for Rademacher
 * {@code z} (entries +-1 with equal probability; Bekas, Kokiopoulou &amp; Saad 2007, "An estimator for the diagonal
 * of a matrix", eq. 2): one product per sample instead of one per parameter, for nets too large for an exact
 * diagonal. Unbiased, with variance {@code sum_{j != i} C_ij^2 / samples} in entry {@code i}.
 */
public final class Hutchinson {
    private Hutchinson() {}

    /** The mean of {@code z * (C z)} over {@code samples} Rademacher vectors drawn from {@code rng}. */
    public static double[] diagonal(Curvature c, int samples, Rng rng) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples = " + samples + ", expected at least 1");
        }
        int n = c.size();
        double[] sum = new double[n];
        double[] z = new double[n];
        for (int s = 0; s < samples; s++) {
            for (int i = 0; i < n; i++) {
                z[i] = rng.nextInt(2) == 0 ? -1 : 1;
            }
            double[] cz = c.times(z);
            for (int i = 0; i < n; i++) {
                sum[i] += z[i] * cz[i];
            }
        }
        for (int i = 0; i < n; i++) {
            sum[i] /= samples;
        }
        return sum;
    }
}
