package org.secateur.sparsity.secondorder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.secateur.linalg.Damping;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.sparsity.Loss;
import org.secateur.sparsity.Minibatch;

/**
 * Optimal Brain Surgeon (Hassibi &amp; Stork 1993, "Second order derivatives for network pruning: Optimal Brain
 * Surgeon", §3) with a full curvature matrix, for nets of up to a few thousand weights: remove the weight of least
 * {@code E_q = w_q^2 / (2 [H^-1]_qq)} (eq. 6), move all the others by {@code dw = -(w_q / [H^-1]_qq) H^-1 e_q}
 * (eq. 5), remove row and column {@code q} from {@code H^-1} (OBC's Lemma 1; or recompute the curvature every
 * {@code k} removals), and repeat until the {@link StoppingRule} rejects a removal.
 *
 * <p>The curvature is a {@link Curvature} of the {@link Objective}, restricted to the unpruned entries and damped:
 * {@code Curvature::hessian} (exact, by {@code m} Hessian-vector products), {@code Curvature::gaussNewton}, or
 * {@code EmpiricalFisher::of}, Hassibi's outer-product approximation with its recursive Sherman-Morrison inverse
 * (then the damping must be positive: it is the paper's {@code alpha}). Entries pruned before are left pruned;
 * the weights and masks of the parameters are updated in place, a removed weight ending at value 0 and mask 0.
 * OBS assumes the weights sit at a minimum of the loss (zero gradient); start from a trained net.
 *
 * <pre>{@code
 * ObsResult r = Obs.of(Curvature::hessian).withDamping(Damping.absolute(1e-4))
 *         .prune(model, model.namedParameters(), batches, loss, StoppingRule.when(() -> accuracy(model) < start));
 * }</pre>
 *
 * @param curvature      builds the curvature at the current weights
 * @param damping        added to the restricted curvature before inverting
 * @param recomputeEvery rebuild the curvature after this many removals; 0 never
 */
public record Obs(Function<Objective, ? extends Curvature> curvature, Damping damping, int recomputeEvery) {

    public Obs {
        if (recomputeEvery < 0) {
            throw new IllegalArgumentException("recomputeEvery = " + recomputeEvery + ", expected >= 0 (0: never)");
        }
    }

    /** OBS with {@code curvature}, no damping, and the inverse downdated after every removal. */
    public static Obs of(Function<Objective, ? extends Curvature> curvature) {
        return new Obs(curvature, Damping.none(), 0);
    }

    public Obs withDamping(Damping d) {
        return new Obs(curvature, d, recomputeEvery);
    }

    /** Rebuilds and inverts the curvature after every {@code k} removals (1: the exact OBS of small nets). */
    public Obs withRecomputeEvery(int k) {
        return new Obs(curvature, damping, k);
    }

    /** Prunes {@code params} of {@code model}, with the objective of {@code loss} on {@code batches}. */
    public ObsResult prune(Module model, Map<String, Parameter> params, Iterable<Minibatch> batches, Loss loss,
                           StoppingRule stop) {
        return prune(Objective.of(model, params, batches, loss), stop);
    }

    /** Prunes the parameters of {@code objective}, one weight at a time, until {@code stop} rejects a removal. */
    public ObsResult prune(Objective objective, StoppingRule stop) {
        ParameterVector params = objective.params();
        ObsState state = new ObsState(params.values(), params.alive());
        invert(objective, state);
        List<Removal> removals = new ArrayList<>();
        int alive = ParameterVector.indicesOf(state.alive).length;
        double total = 0;
        for (int sinceRecompute = 0; ; ) {
            int q = state.candidate();
            if (q < 0) {
                return new ObsResult(removals, Optional.empty());
            }
            double error = state.error(q);
            Removal removal = new Removal(removals.size() + 1, q, params.describe(q), state.w[q], error,
                    total + error, alive - 1, params.size());
            double[] before = state.w.clone();
            state.removeWeight(q);
            params.assign(state.w, state.alive);
            if (stop.rejects(removal)) {
                System.arraycopy(before, 0, state.w, 0, before.length);
                state.alive[q] = true;
                params.assign(state.w, state.alive);
                return new ObsResult(removals, Optional.of(removal));
            }
            removals.add(removal);
            total += error;
            alive--;
            if (recomputeEvery > 0 && ++sinceRecompute == recomputeEvery) {
                sinceRecompute = 0;
                invert(objective, state);
            } else {
                state.downdate(q);
            }
        }
    }

    /** Builds the curvature at the current weights and sets its damped inverse over the unpruned entries. */
    private void invert(Objective objective, ObsState state) {
        int[] indices = ParameterVector.indicesOf(state.alive);
        if (indices.length > 0) {
            state.setInverse(indices, curvature.apply(objective).inverse(indices, damping));
        }
    }
}
