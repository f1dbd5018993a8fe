package org.secateur.sparsity.secondorder;

import org.secateur.linalg.Damping;
import org.secateur.linalg.Spd;

/**
 * A symmetric curvature matrix {@code C} of an {@link Objective} in its {@link ParameterVector} coordinates, at the
 * point where it was built, known through its products {@code C v}: the exact Hessian ({@link #hessian}), the
 * Gauss-Newton matrix ({@link #gaussNewton}) or the empirical Fisher ({@link EmpiricalFisher}). The second-order
 * pruners take one as their model of the loss, {@code dL ~ 1/2 dw^T C dw} (Hassibi &amp; Stork 1993, eq. 1 at a
 * minimum), and need its diagonal (OBD), a principal block or its inverse (OBS, WoodFisher).
 *
 * <p>Each method works on a subset of the coordinates, given as ascending {@code indices}: the unpruned weights, or
 * a block. Matrices are row-major {@code double[]} of order {@code indices.length}.
 */
public interface Curvature {

    /** The order {@code n} of the full matrix, the size of the parameter vector. */
    int size();

    /** {@code C v} for a vector of {@link #size()} entries. */
    double[] times(double[] v);

    /** {@code C_ii} for each {@code i} in {@code indices}: one product per index, unless a subclass knows better. */
    default double[] diagonal(int[] indices) {
        double[] d = new double[indices.length];
        double[] e = new double[size()];
        for (int k = 0; k < indices.length; k++) {
            e[indices[k]] = 1;
            d[k] = times(e)[indices[k]];
            e[indices[k]] = 0;
        }
        return d;
    }

    /**
     * The principal submatrix {@code C[indices, indices]}, one product per index, made exactly symmetric by
     * averaging it with its transpose (the products are symmetric up to rounding).
     */
    default double[] submatrix(int[] indices) {
        int k = indices.length;
        double[] m = new double[k * k];
        double[] e = new double[size()];
        for (int j = 0; j < k; j++) {
            e[indices[j]] = 1;
            double[] column = times(e);
            e[indices[j]] = 0;
            for (int i = 0; i < k; i++) {
                m[i * k + j] = column[indices[i]];
            }
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < i; j++) {
                double mean = 0.5 * (m[i * k + j] + m[j * k + i]);
                m[i * k + j] = mean;
                m[j * k + i] = mean;
            }
        }
        return m;
    }

    /** {@code (C[indices, indices] + lambda I)^{-1}} by a Cholesky factorisation. */
    default double[] inverse(int[] indices, Damping damping) {
        return Spd.inverse(submatrix(indices), indices.length, damping);
    }

    /** The exact Hessian {@code d^2 L / dw^2} of {@code objective} at its current point, by double backward. */
    static Curvature hessian(Objective objective) {
        return new HessianProducts(objective);
    }

    /**
     * The Gauss-Newton matrix {@code J^T H_z J} of {@code objective} at its current point, {@code J} the Jacobian
     * of the model's outputs {@code z} and {@code H_z} the Hessian of the loss in them: the Hessian without the
     * second derivatives of the network, positive semi-definite for a convex loss (LeCun, Denker &amp; Solla 1989,
     * "Optimal Brain Damage", §3, the Levenberg-Marquardt approximation).
     */
    static Curvature gaussNewton(Objective objective) {
        return new GaussNewtonProducts(objective);
    }
}
