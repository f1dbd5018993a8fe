package org.secateur.sparsity.secondorder;

import org.secateur.linalg.Damping;
import org.secateur.linalg.Spd;

/**
 * The one-shot baselines of OBC's comparison (Frantar, Singh &amp; Alistarh 2022, Table 1): a mask chosen in one
 * ranking, then optionally the least-squares refit of the surviving weights of each row ({@link Refit}).
 * <ul>
 *   <li>{@link #magnitude}: GMP's criterion, the lowest {@code |w|}, no update (Zhu &amp; Gupta 2017);</li>
 *   <li>{@link #lObs}: L-OBS-like (Dong, Chen &amp; Pan 2017), ranked once by the OBS error {@code w^2 / [H^-1]_ii}
 *       with the layer Hessian, then one joint update: the optimal least-squares update of the survivors;</li>
 *   <li>{@link #adaPrune}: AdaPrune-like (Hubara et al. 2021), the magnitude mask, then the least-squares refit
 *       of the survivors (which AdaPrune approaches by gradient descent).</li>
 * </ul>
 *
 * @param obsScore rank by {@code w^2 / [H^-1]_ii} rather than {@code |w|}
 * @param refit    refit the survivors
 */
public record MaskThenRefit(boolean obsScore, boolean refit, LayerTarget target, Damping damping)
        implements LayerCompressor {

    /** GMP: the magnitude mask on the original weights. */
    public static MaskThenRefit magnitude(LayerTarget target) {
        return new MaskThenRefit(false, false, target, ExactObs.DEFAULT_DAMPING);
    }

    /** L-OBS-like: the OBS-error mask and the joint least-squares update. */
    public static MaskThenRefit lObs(LayerTarget target) {
        return new MaskThenRefit(true, true, target, ExactObs.DEFAULT_DAMPING);
    }

    /** AdaPrune-like: the magnitude mask and the least-squares refit. */
    public static MaskThenRefit adaPrune(LayerTarget target) {
        return new MaskThenRefit(false, true, target, ExactObs.DEFAULT_DAMPING);
    }

    public MaskThenRefit withDamping(Damping d) {
        return new MaskThenRefit(obsScore, refit, target, d);
    }

    @Override
    public LayerSolution compress(LayerProblem problem) {
        int rows = problem.rows();
        int cols = problem.cols();
        LayerProblem.Prepared prepared = obsScore || refit ? problem.prepare(damping) : null;
        double[] scores = new double[rows * cols];
        if (obsScore) {
            double[] hInv = Spd.inverse(prepared.h(), cols);
            for (int e = 0; e < scores.length; e++) {
                double w = prepared.w()[e];
                scores[e] = w * w / hInv[(e % cols) * (cols + 1)];
            }
        } else {
            for (int e = 0; e < scores.length; e++) {
                scores[e] = Math.abs(problem.w()[e]);
            }
        }
        boolean[] alive = target.select(problem, scores);
        double[] weights;
        if (refit) {
            weights = Refit.rows(prepared.h(), prepared.w(), alive, rows, cols);
        } else {
            weights = problem.w().clone();
            for (int e = 0; e < weights.length; e++) {
                weights[e] = alive[e] ? weights[e] : 0;
            }
        }
        return LayerSolution.pruned(weights, alive, new double[rows][0]);
    }
}
