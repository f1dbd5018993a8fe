package org.secateur.sparsity.secondorder;

import java.util.Arrays;
import org.secateur.autograd.GradMode;
import org.secateur.linalg.Damping;
import org.secateur.linalg.Matrices;
import org.secateur.nn.Parameter;

/**
 * The layer-wise compression problem of OBC (Frantar, Singh &amp; Alistarh 2022, eq. 1): find {@code W_hat} of the
 * required sparsity or on the required grid minimising {@code ||W X - W_hat X||^2}, which splits into one quadratic
 * {@code 1/2 (w - w_hat)^T H (w - w_hat)} per row {@code w} of the weight matrix, with the same {@code H = 2 X X^T / N}
 * for every row.
 *
 * @param name  the weight's name ({@code 0.weight})
 * @param shape the weight's shape; its matrix is {@code [rows, cols]} with {@code cols} the product of the others
 * @param w     the effective weights {@code W * mask}, row-major {@code rows x cols}
 * @param alive whether each weight is unpruned
 * @param h     the {@code cols x cols} layer Hessian
 */
public record LayerProblem(String name, int[] shape, int rows, int cols, double[] w, boolean[] alive, double[] h) {

    public LayerProblem {
        if (w.length != rows * cols || alive.length != rows * cols || h.length != cols * cols) {
            throw new IllegalArgumentException(name + ": " + w.length + " weights, " + alive.length + " mask entries "
                    + "and a Hessian of " + h.length + " for a " + rows + " x " + cols + " matrix");
        }
    }

    /** The problem of {@code weight} (a Linear or Conv2d weight) with the accumulated {@code hessian}. */
    public static LayerProblem of(String name, Parameter weight, LayerHessian hessian) {
        int rows = weight.shape()[0];
        int cols = weight.numel() / rows;
        if (cols != hessian.columns()) {
            throw new IllegalArgumentException(name + " of shape " + Arrays.toString(weight.shape())
                    + " has " + cols + " columns but its layer Hessian has order " + hessian.columns());
        }
        boolean[] alive = new boolean[rows * cols];
        for (int e = 0; e < alive.length; e++) {
            alive[e] = weight.mask() == null || weight.mask().getFlat(e) != 0;
        }
        double[] w;
        try (var off = GradMode.noGrad()) {
            w = weight.value().toDoubleArray();
        }
        return new LayerProblem(name, weight.shape().clone(), rows, cols, w, alive, hessian.matrix());
    }

    /** The reconstruction error {@code 1/2 (w - w_hat)^T H (w - w_hat)} of each row, with the undamped {@code H}. */
    public double[] rowErrors(double[] wHat) {
        return quadraticErrors(w, wHat, h, rows, cols);
    }

    /**
     * What the solvers work with: {@code H} with dead inputs ({@code H_ii = 0}: the input was always zero) given
     * {@code H_ii = 1} and their weights set to zero, which changes no output on the calibration data and makes
     * {@code H} invertible (as OBC's and GPTQ's {@code prepare}); then {@code damping} added to the diagonal.
     */
    public Prepared prepare(Damping damping) {
        double[] hp = h.clone();
        double[] wp = w.clone();
        for (int i = 0; i < cols; i++) {
            if (hp[i * cols + i] == 0) {
                hp[i * cols + i] = 1;
                for (int r = 0; r < rows; r++) {
                    wp[r * cols + i] = 0;
                }
            }
        }
        Matrices.addToDiagonal(hp, cols, damping.initialLambda(hp, cols));
        return new Prepared(wp, hp);
    }

    /**
     * The solvers' weights and damped Hessian.
     *
     * @param w the weights, dead inputs zeroed
     * @param h the damped Hessian, dead inputs' diagonal set to 1
     */
    public record Prepared(double[] w, double[] h) {}

    /** {@code 1/2 (a - b)^T H (a - b)} for each row of two {@code rows x cols} matrices. */
    static double[] quadraticErrors(double[] a, double[] b, double[] h, int rows, int cols) {
        double[] errors = new double[rows];
        double[] delta = new double[cols];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                delta[j] = a[r * cols + j] - b[r * cols + j];
            }
            double s = 0;
            for (int i = 0; i < cols; i++) {
                if (delta[i] != 0) {
                    s += delta[i] * RowKernels.CHOSEN.dot(h, i * cols, delta, 0, cols);
                }
            }
            errors[r] = 0.5 * s;
        }
        return errors;
    }
}
