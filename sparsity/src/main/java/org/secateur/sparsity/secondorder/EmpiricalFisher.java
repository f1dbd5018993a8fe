package org.secateur.sparsity.secondorder;

import java.util.ArrayList;
import java.util.List;
import org.secateur.linalg.Damping;
import org.secateur.sparsity.Minibatch;

/**
 * The empirical Fisher {@code F = (1/N) sum_k g_k g_k^T}, the mean outer product of the gradients {@code g_k} of
 * the objective's {@code N} batches, as the Hessian estimate of WoodFisher (Singh &amp; Alistarh 2020, eq. 3) and of
 * the outer-product approximation of OBS (Hassibi, Stork &amp; Wolff 1993, eq. 8). With batches of one example
 * ({@link #examples}) the {@code g_k} are per-example gradients; with larger batches they are mini-batch means, as
 * WoodFisher's {@code fisher_mini_bsz}.
 *
 * <p>Its damped inverse {@code (lambda I + F)^{-1}} is computed without factorising, by the recursive
 * Sherman-Morrison (Woodbury) updates of both papers (WoodFisher, eq. 5; OBS, eq. 9):
 * {@code F_0^{-1} = I / lambda} and {@code F_k^{-1} = F_{k-1}^{-1} - (F_{k-1}^{-1} g_k)(F_{k-1}^{-1} g_k)^T /
 * (N + g_k^T F_{k-1}^{-1} g_k)}, in {@code O(N m^2)} for a block of {@code m} coordinates.
 */
public final class EmpiricalFisher implements Curvature {
    private static final RowKernels K = RowKernels.CHOSEN;

    private final double[][] g;
    private final int n;

    private EmpiricalFisher(double[][] g, int n) {
        this.g = g;
        this.n = n;
    }

    /** The empirical Fisher of {@code objective} at its current point: one gradient per batch. */
    public static EmpiricalFisher of(Objective objective) {
        return new EmpiricalFisher(objective.batchGradients(), objective.params().size());
    }

    /** The empirical Fisher of given gradients {@code g_k}, each of {@code n} entries. */
    public static EmpiricalFisher of(double[][] gradients, int n) {
        for (double[] gk : gradients) {
            if (gk.length != n) {
                throw new IllegalArgumentException("a gradient of " + gk.length + " entries, expected " + n);
            }
        }
        if (gradients.length == 0) {
            throw new IllegalArgumentException("the empirical Fisher needs at least one gradient, got none");
        }
        return new EmpiricalFisher(gradients, n);
    }

    /** The examples of {@code batches} as batches of one, for per-example gradients. */
    public static List<Minibatch> examples(Iterable<Minibatch> batches) {
        List<Minibatch> out = new ArrayList<>();
        for (Minibatch b : batches) {
            for (int i = 0; i < b.labels().length; i++) {
                out.add(new Minibatch(b.inputs().narrow(0, i, 1), new int[] {b.labels()[i]}));
            }
        }
        return out;
    }

    @Override
    public int size() {
        return n;
    }

    @Override
    public double[] times(double[] v) {
        double[] fv = new double[n];
        for (double[] gk : g) {
            K.axpy(K.dot(gk, 0, v, 0, n) / g.length, gk, 0, fv, 0, n);
        }
        return fv;
    }

    @Override
    public double[] diagonal(int[] indices) {
        double[] d = new double[indices.length];
        for (double[] gk : g) {
            for (int i = 0; i < indices.length; i++) {
                double x = gk[indices[i]];
                d[i] += x * x;
            }
        }
        for (int i = 0; i < d.length; i++) {
            d[i] /= g.length;
        }
        return d;
    }

    @Override
    public double[] submatrix(int[] indices) {
        int m = indices.length;
        double[] f = new double[m * m];
        double[] x = new double[m];
        for (double[] gk : g) {
            gather(gk, indices, x);
            for (int i = 0; i < m; i++) {
                K.axpy(x[i] / g.length, x, 0, f, i * m, m);
            }
        }
        return f;
    }

    /**
     * {@code (lambda I + F[indices, indices])^{-1}} by {@code N} Sherman-Morrison updates; {@code lambda} is absolute
     * or relative to the mean of the block's diagonal, and must be positive.
     */
    @Override
    public double[] inverse(int[] indices, Damping damping) {
        int m = indices.length;
        double lambda = damping.relative() ? damping.amount() * mean(diagonal(indices)) : damping.amount();
        if (!(lambda > 0)) {
            throw new IllegalArgumentException("the Sherman-Morrison inverse of the empirical Fisher starts from "
                    + "(lambda I)^{-1} and needs lambda > 0, got " + lambda + " from " + damping);
        }
        double[] hInv = new double[m * m];
        for (int i = 0; i < m; i++) {
            hInv[i * m + i] = 1 / lambda;
        }
        double[] x = new double[m];
        double[] u = new double[m];
        for (double[] gk : g) {
            gather(gk, indices, x);
            for (int i = 0; i < m; i++) {
                u[i] = K.dot(hInv, i * m, x, 0, m);
            }
            double denominator = g.length + K.dot(x, 0, u, 0, m);
            for (int i = 0; i < m; i++) {
                K.axpy(-u[i] / denominator, u, 0, hInv, i * m, m);
            }
        }
        return hInv;
    }

    private static void gather(double[] v, int[] indices, double[] out) {
        for (int i = 0; i < indices.length; i++) {
            out[i] = v[indices[i]];
        }
    }

    private static double mean(double[] d) {
        double s = 0;
        for (double x : d) {
            s += x;
        }
        return d.length == 0 ? 0 : s / d.length;
    }
}
