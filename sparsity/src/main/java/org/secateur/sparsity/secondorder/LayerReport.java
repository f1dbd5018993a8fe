package org.secateur.sparsity.secondorder;

/**
 * What compressing one layer did: its solution, its reconstruction error per row {@code 1/2 (w - w_hat)^T H (w -
 * w_hat)} against the undamped calibration Hessian and the weights before (comparable across solvers), and the
 * time it took (Hessian excluded).
 */
public record LayerReport(String name, int rows, int cols, LayerSolution solution, double[] rowErrors,
                          double seconds) {

    /** The layer's reconstruction error, the sum over rows: {@code ||W X - W_hat X||^2 / N}. */
    public double error() {
        double s = 0;
        for (double e : rowErrors) {
            s += e;
        }
        return s;
    }

    /** The fraction of the layer's weights that are pruned. */
    public double sparsity() {
        return (double) solution.pruned() / (rows * cols);
    }
}
