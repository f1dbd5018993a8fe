package org.secateur.sparsity.quant;

import org.secateur.linalg.Damping;
import org.secateur.linalg.Spd;
import org.secateur.sparsity.secondorder.ExactObs;
import org.secateur.sparsity.secondorder.LayerCompressor;
import org.secateur.sparsity.secondorder.LayerProblem;
import org.secateur.sparsity.secondorder.LayerSolution;
import org.secateur.tensor.kernels.Parallel;

/**
 * GPTQ (Frantar, Ashkboos, Hoefler &amp; Alistarh 2023, "GPTQ: Accurate Post-Training Quantization for Generative
 * Pre-trained Transformers", Algorithm 1): the OBS update for quantization (OBQ, Frantar, Singh &amp; Alistarh 2022,
 * eq. 7) with the columns taken in a fixed order. Column {@code i} of each row is set to its grid point {@code q},
 * and the columns after it absorb the error, {@code w[i+1:] -= (w_i - q) / U_ii * U[i, i+1:]}, where {@code U} is
 * the upper Cholesky factor of {@code H^-1}, {@code H^-1 = U^T U} ({@link Spd#inverseUpperFactor}): row {@code i}
 * of {@code U}, times {@code U_ii}, is row {@code i} of the inverse Hessian once columns {@code 0..i-1} are fixed.
 * Each column costs {@code (w_i - q)^2 / (2 U_ii^2)}; these add up to the row's final error. Rows run in parallel,
 * each in {@code O(d^2)}.
 *
 * <p>The grid is {@link QuantGrid#fit fitted} to the weights before any update, as GPTQ's {@code find_params}.
 * Pruned weights are fixed to 0 in turn, so that their removal is compensated too and a sparse layer stays sparse
 * (SparseGPT's joint mode). The Hessian is prepared as {@link LayerProblem#prepare} does, with GPTQ's default
 * damping of 1% of its mean diagonal.
 */
public record Gptq(int bits, Damping damping) implements LayerCompressor {

    /** GPTQ at {@code bits} with 1% damping. */
    public static Gptq of(int bits) {
        return new Gptq(bits, ExactObs.DEFAULT_DAMPING);
    }

    public Gptq withDamping(Damping d) {
        return new Gptq(bits, d);
    }

    @Override
    public LayerSolution compress(LayerProblem problem) {
        int rows = problem.rows();
        int cols = problem.cols();
        QuantGrid grid = QuantGrid.fit(bits, problem.w(), rows, cols);
        LayerProblem.Prepared prepared = problem.prepare(damping);
        double[] u = Spd.inverseUpperFactor(prepared.h(), cols, Damping.none());
        double[] out = prepared.w().clone();
        double[][] steps = new double[rows][cols];
        boolean[] alive = problem.alive();
        Parallel.forRange(rows, Math.max(1, 4096 / cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * cols;
                for (int i = 0; i < cols; i++) {
                    double w = out[o + i];
                    double q = alive[o + i] ? grid.quantize(r, w) : 0;
                    double uii = u[i * cols + i];
                    double err = (w - q) / uii;
                    steps[r][i] = 0.5 * err * err;
                    for (int k = i + 1; k < cols; k++) {
                        out[o + k] -= err * u[i * cols + k];
                    }
                    out[o + i] = q;
                }
            }
        });
        return new LayerSolution(out, alive.clone(), steps, grid.scales());
    }
}
