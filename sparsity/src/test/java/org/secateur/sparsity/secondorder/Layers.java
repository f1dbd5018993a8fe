package org.secateur.sparsity.secondorder;

import org.secateur.tensor.Rng;

/** Random layer-wise problems: weights, optional earlier pruning, and {@code H = 2 X X^T / N} of correlated inputs. */
final class Layers {
    private Layers() {}

    /**
     * A {@code rows x cols} problem with {@code samples} inputs that mix a few shared factors (so that {@code H}
     * has strong off-diagonal structure), and a fraction {@code prePruned} of the weights already pruned.
     */
    static LayerProblem random(Rng r, int rows, int cols, int samples, double prePruned) {
        double[] w = TestMatrices.gaussian(r, rows * cols);
        boolean[] alive = new boolean[rows * cols];
        for (int e = 0; e < alive.length; e++) {
            alive[e] = r.nextDouble() >= prePruned;
            w[e] = alive[e] ? w[e] : 0;
        }
        return new LayerProblem("layer", new int[] {rows, cols}, rows, cols, w, alive, hessian(r, cols, samples));
    }

    /** {@code 2 X X^T / N} for {@code N} inputs {@code x = F z + e}, a few factors {@code z} plus noise. */
    static double[] hessian(Rng r, int cols, int samples) {
        int factors = 1 + cols / 4;
        double[] f = TestMatrices.gaussian(r, cols * factors);
        double[] h = new double[cols * cols];
        double[] x = new double[cols];
        for (int s = 0; s < samples; s++) {
            double[] z = TestMatrices.gaussian(r, factors);
            for (int i = 0; i < cols; i++) {
                x[i] = 0.3 * r.nextGaussian();
                for (int k = 0; k < factors; k++) {
                    x[i] += f[i * factors + k] * z[k];
                }
            }
            for (int i = 0; i < cols; i++) {
                for (int j = 0; j < cols; j++) {
                    h[i * cols + j] += 2.0 * x[i] * x[j] / samples;
                }
            }
        }
        return h;
    }

    /** The sum of an array. */
    static double sum(double[] a) {
        double s = 0;
        for (double x : a) {
            s += x;
        }
        return s;
    }
}
