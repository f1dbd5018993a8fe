package org.secateur.sparsity.secondorder;

import java.util.function.BooleanSupplier;

/**
 * When {@link Obs} stops: checked after every removal, which is already applied to the model (weights and masks),
 * so that a rule may evaluate it; a rule that rejects the removal has it undone, and pruning stops there.
 */
@FunctionalInterface
public interface StoppingRule {

    /** Whether {@code removal} goes too far. */
    boolean rejects(Removal removal);

    /** Stops at {@code round(sparsity * n)} pruned entries of the {@code n} (counting those pruned before). */
    static StoppingRule sparsity(double sparsity) {
        if (!(sparsity >= 0 && sparsity <= 1)) {
            throw new IllegalArgumentException("sparsity = " + sparsity + ": expected a fraction in [0, 1]");
        }
        return r -> r.size() - r.alive() > Math.rint(sparsity * r.size());
    }

    /** Stops before the predicted loss increase, summed over removals, exceeds {@code budget}. */
    static StoppingRule errorBudget(double budget) {
        return r -> r.totalError() > budget;
    }

    /**
     * Stops when {@code condition} holds on the pruned model, e.g. that the training accuracy fell below its value
     * before pruning (Hassibi &amp; Stork's MONK experiments).
     */
    static StoppingRule when(BooleanSupplier condition) {
        return r -> condition.getAsBoolean();
    }

    /** Stops when either rule does; {@code other} is not asked when this one already rejects. */
    default StoppingRule or(StoppingRule other) {
        return r -> rejects(r) || other.rejects(r);
    }
}
