package org.secateur.sparsity.secondorder;

import java.util.List;
import java.util.Map;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.sparsity.Criterion;
import org.secateur.sparsity.Loss;
import org.secateur.sparsity.Minibatch;
import org.secateur.sparsity.Scores;
import org.secateur.tensor.Tensor;

/**
 * Optimal Brain Damage (LeCun, Denker &amp; Solla 1989, eq. 5): the saliency {@code s_i = 1/2 h_ii w_i^2} of each
 * weight, the loss increase its deletion causes when the Hessian is taken as diagonal and the gradient as zero.
 * Lowest saliencies are pruned first: plug it into a {@link org.secateur.sparsity.Pruner}. The diagonal comes from a
 * {@link CurvatureDiagonal}: the exact Hessian's, the Gauss-Newton one LeCun used (the paper's
 * Levenberg-Marquardt approximation, eq. 8 without the {@code f''} term; the paper's backward recursion also drops
 * the couplings between units of a layer, which the exact Gauss-Newton diagonal keeps), Hutchinson's estimate, or
 * the empirical Fisher's (WoodFisher's diagonal-Fisher baseline).
 *
 * <pre>{@code
 * Obd obd = new Obd(batches, Losses::crossEntropy, CurvatureDiagonal.exact(Curvature::hessian));
 * Scores.PerEntry saliency = obd.scores(model, weights);
 * Map<String, Tensor> masks = Pruner.global(0.3).computeMasks(weights, saliency);
 * double predicted = Obd.predictedIncrease(saliency, weights, masks);   // then apply and compare with the actual
 * }</pre>
 */
public final class Obd implements Criterion {
    private final List<Minibatch> batches;
    private final Loss loss;
    private final CurvatureDiagonal diagonal;

    /** OBD over the objective of {@code loss} on {@code batches} (held, so that scoring can repeat). */
    public Obd(Iterable<Minibatch> batches, Loss loss, CurvatureDiagonal diagonal) {
        this.batches = Objective.hold(batches);
        this.loss = loss;
        this.diagonal = diagonal;
    }

    /** The curvature diagonal {@code h_ii} of {@code params}, by name. */
    public Map<String, Tensor> diagonal(Module model, Map<String, Parameter> params) {
        Objective objective = new Objective(model, ParameterVector.of(params), batches, loss);
        return objective.params().named(diagonal.of(objective));
    }

    /** The saliencies {@code 1/2 h_ii w_i^2}, {@code w} the effective (masked) weights, so pruned entries score 0. */
    @Override
    public Scores.PerEntry scores(Module model, Map<String, Parameter> params) {
        Objective objective = new Objective(model, ParameterVector.of(params), batches, loss);
        double[] h = diagonal.of(objective);
        double[] w = objective.params().values();
        double[] s = new double[w.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = 0.5 * h[i] * w[i] * w[i];
        }
        return new Scores.PerEntry(objective.params().named(s));
    }

    /**
     * OBD's predicted loss increase of pruning to {@code masks}: the sum of the saliencies of the entries that
     * {@code masks} prunes and that are unpruned in {@code params} now (LeCun et al. 1989, Fig. 1b).
     */
    public static double predictedIncrease(Scores.PerEntry saliency, Map<String, Parameter> params,
                                           Map<String, Tensor> masks) {
        double sum = 0;
        for (Map.Entry<String, Tensor> e : masks.entrySet()) {
            Parameter p = params.get(e.getKey());
            Tensor s = saliency.values().get(e.getKey());
            if (p == null || s == null) {
                throw new IllegalArgumentException("mask for " + e.getKey() + " without a parameter or a saliency; "
                        + "parameters " + params.keySet() + ", saliencies " + saliency.values().keySet());
            }
            Tensor mask = e.getValue();
            for (int i = 0; i < mask.numel(); i++) {
                boolean aliveNow = p.mask() == null || p.mask().getFlat(i) != 0;
                if (aliveNow && mask.getFlat(i) == 0) {
                    sum += s.getFlat(i);
                }
            }
        }
        return sum;
    }
}
