package org.secateur.sparsity.secondorder;

/**
 * The compressed weights of one layer.
 *
 * @param weights    the new weight matrix, row-major {@code rows x cols}; pruned entries are 0
 * @param alive      the new mask, never wider than the problem's
 * @param stepErrors per row, the error of each step of a greedy solver in the order taken ({@code w_p^2 / (2
 *                   [H^-1]_pp)} for ExactOBS, {@code (w_q - q)^2 / (2 [H^-1]_qq)} for GPTQ), in terms of the solver's
 *                   damped Hessian; empty rows for one-shot solvers
 * @param rowScales  the quantization grid's step per row; empty for pruning
 */
public record LayerSolution(double[] weights, boolean[] alive, double[][] stepErrors, double[] rowScales) {

    /** A pruned layer. */
    public static LayerSolution pruned(double[] weights, boolean[] alive, double[][] stepErrors) {
        return new LayerSolution(weights, alive, stepErrors, new double[0]);
    }

    /** The sum of all step errors: for the greedy solvers, the final error in the solver's Hessian. */
    public double stepErrorSum() {
        double s = 0;
        for (double[] row : stepErrors) {
            for (double e : row) {
                s += e;
            }
        }
        return s;
    }

    /** The number of pruned weights. */
    public int pruned() {
        int n = 0;
        for (boolean a : alive) {
            n += a ? 0 : 1;
        }
        return n;
    }
}
