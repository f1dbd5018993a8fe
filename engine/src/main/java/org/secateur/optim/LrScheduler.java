package org.secateur.optim;

/**
 * Drives an optimizer's learning rate by a {@link LrSchedule}: sets {@code lr(0)} at construction and
 * {@code lr(t)} at the {@code t}-th {@link #step()}. Call {@code step()} once per epoch or once per iteration,
 * whichever unit the schedule was written in, after the optimizer's step, as in PyTorch.
 */
public final class LrScheduler {
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private int t;

    public LrScheduler(Optimizer optimizer, LrSchedule schedule) {
        this.optimizer = optimizer;
        this.schedule = schedule;
        optimizer.setLr(schedule.lr(0));
    }

    /** Advances the count and sets the learning rate it gives. */
    public void step() {
        optimizer.setLr(schedule.lr(++t));
    }

    /** The steps taken so far. */
    public int steps() {
        return t;
    }

    public LrSchedule schedule() {
        return schedule;
    }
}
