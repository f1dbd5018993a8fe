package org.secateur.optim;

import java.util.Arrays;

/**
 * A learning rate as a function of the step count {@code t = 0, 1, 2, ...}, in closed form as PyTorch's
 * {@code lr_scheduler}s. Whether a step is an epoch or an iteration is up to the caller of
 * {@link LrScheduler#step()}. Schedules compose: {@code warmup(5, 0.1, cosine(0.1, 95, 0))} warms up linearly for
 * five steps and then anneals.
 */
public sealed interface LrSchedule {
    /** The learning rate at step {@code t >= 0}. */
    double lr(int t);

    /** The same rate throughout. */
    record Constant(double base) implements LrSchedule {
        @Override
        public double lr(int t) {
            return base;
        }
    }

    /** {@code StepLR}: {@code base * gamma^floor(t / stepSize)}. */
    record Step(double base, int stepSize, double gamma) implements LrSchedule {
        public Step {
            if (stepSize < 1) {
                throw new IllegalArgumentException("stepSize=" + stepSize + ": expected >= 1");
            }
        }

        @Override
        public double lr(int t) {
            return base * Math.pow(gamma, t / stepSize);
        }
    }

    /** {@code MultiStepLR}: {@code base * gamma^(number of milestones <= t)}. */
    record MultiStep(double base, int[] milestones, double gamma) implements LrSchedule {
        public MultiStep {
            milestones = milestones.clone();
            for (int i = 1; i < milestones.length; i++) {
                if (milestones[i] <= milestones[i - 1]) {
                    throw new IllegalArgumentException("milestones " + Arrays.toString(milestones)
                            + ": expected strictly increasing steps");
                }
            }
        }

        @Override
        public int[] milestones() {
            return milestones.clone();
        }

        @Override
        public double lr(int t) {
            int passed = 0;
            while (passed < milestones.length && milestones[passed] <= t) {
                passed++;
            }
            return base * Math.pow(gamma, passed);
        }
    }

    /**
     * {@code CosineAnnealingLR} (Loshchilov &amp; Hutter 2017, eq. 5 without restarts):
     * {@code etaMin + (base - etaMin) (1 + cos(pi t / tMax)) / 2}. As PyTorch's closed form, it rises again past
     * {@code tMax}; stop stepping there to hold {@code etaMin}.
     */
    record Cosine(double base, int tMax, double etaMin) implements LrSchedule {
        public Cosine {
            if (tMax < 1) {
                throw new IllegalArgumentException("tMax=" + tMax + ": expected >= 1");
            }
        }

        @Override
        public double lr(int t) {
            return etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * t / tMax)) / 2;
        }
    }

    /**
     * Linear warm-up ({@code LinearLR} followed by {@code after} in a {@code SequentialLR}; Goyal et al. 2017,
     * §2.2): for {@code t < steps} the rate is {@code after.lr(0) * (startFactor + (1 - startFactor) t / steps)},
     * then {@code after.lr(t - steps)}, so {@code after} starts its own count when the warm-up ends.
     */
    record Warmup(int steps, double startFactor, LrSchedule after) implements LrSchedule {
        public Warmup {
            if (steps < 1 || !(startFactor >= 0 && startFactor <= 1)) {
                throw new IllegalArgumentException("warm-up of " + steps + " steps from factor " + startFactor
                        + ": expected steps >= 1 and a factor in [0, 1]");
            }
        }

        @Override
        public double lr(int t) {
            return t < steps ? after.lr(0) * (startFactor + (1 - startFactor) * t / steps) : after.lr(t - steps);
        }
    }

    static LrSchedule constant(double base) {
        return new Constant(base);
    }

    static LrSchedule step(double base, int stepSize, double gamma) {
        return new Step(base, stepSize, gamma);
    }

    static LrSchedule multiStep(double base, double gamma, int... milestones) {
        return new MultiStep(base, milestones, gamma);
    }

    static LrSchedule cosine(double base, int tMax, double etaMin) {
        return new Cosine(base, tMax, etaMin);
    }

    static LrSchedule warmup(int steps, double startFactor, LrSchedule after) {
        return new Warmup(steps, startFactor, after);
    }
}
