package org.secateur.sparsity.train;

import java.util.function.Consumer;

/**
 * Callbacks of a {@link Trainer}: before each optimizer step (pruning schedules), after it, and after each epoch
 * (evaluation, learning-rate schedules, logging).
 */
public interface TrainingListener {

    /** Before optimizer step {@code step} (counted from 0 over the trainer's life), before the forward pass. */
    default void beforeStep(long step, int epoch) {}

    /** After an optimizer step. */
    default void afterStep(StepEnd end) {}

    /** After an epoch. */
    default void afterEpoch(EpochEnd end) {}

    /**
     * @param steps optimizer steps taken so far, this one included
     * @param loss the batch loss, without any penalty
     */
    record StepEnd(long steps, int epoch, double loss) {}

    /**
     * @param steps optimizer steps taken so far
     * @param loss the mean batch loss of the epoch, without any penalty
     */
    record EpochEnd(int epoch, long steps, double loss, double seconds) {}

    /** A listener called after every epoch. */
    static TrainingListener afterEachEpoch(Consumer<EpochEnd> action) {
        return new TrainingListener() {
            @Override
            public void afterEpoch(EpochEnd end) {
                action.accept(end);
            }
        };
    }

    /** A listener called after every optimizer step. */
    static TrainingListener afterEachStep(Consumer<StepEnd> action) {
        return new TrainingListener() {
            @Override
            public void afterStep(StepEnd end) {
                action.accept(end);
            }
        };
    }
}
