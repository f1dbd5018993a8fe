package org.secateur.sparsity.secondorder;

import java.util.List;
import java.util.Optional;

/**
 * What {@link Obs} did: the removals it kept, in order, and the one the stopping rule rejected and undid (empty when
 * every weight was removed).
 */
public record ObsResult(List<Removal> removals, Optional<Removal> rejected) {

    public ObsResult {
        removals = List.copyOf(removals);
    }

    /** The predicted loss increase: the sum of the kept removals' errors. */
    public double predictedIncrease() {
        return removals.isEmpty() ? 0 : removals.getLast().totalError();
    }
}
