package org.secateur.sparsity.secondorder;

import java.util.function.Function;
import org.secateur.tensor.Rng;

/**
 * How OBD obtains the diagonal {@code h_ii} of a curvature of the objective: exactly, one product per unpruned
 * weight (or in closed form for the empirical Fisher), or by Hutchinson's estimate.
 */
@FunctionalInterface
public interface CurvatureDiagonal {

    /** The diagonal over the whole parameter vector; pruned entries may be left 0. */
    double[] of(Objective objective);

    /**
     * The exact diagonal of {@code curvature} ({@code Curvature::hessian}, {@code Curvature::gaussNewton},
     * {@code EmpiricalFisher::of}) at the unpruned entries.
     */
    static CurvatureDiagonal exact(Function<Objective, ? extends Curvature> curvature) {
        return objective -> {
            int[] alive = objective.params().aliveIndices();
            double[] d = curvature.apply(objective).diagonal(alive);
            double[] full = new double[objective.params().size()];
            for (int k = 0; k < alive.length; k++) {
                full[alive[k]] = d[k];
            }
            return full;
        };
    }

    /** {@link Hutchinson}'s estimate with {@code samples} Rademacher vectors from a generator seeded {@code seed}. */
    static CurvatureDiagonal hutchinson(Function<Objective, ? extends Curvature> curvature, int samples, long seed) {
        return objective -> Hutchinson.diagonal(curvature.apply(objective), samples, new Rng(seed));
    }
}
