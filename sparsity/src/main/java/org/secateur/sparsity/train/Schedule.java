package org.secateur.sparsity.train;

/**
 * When pruning happens during training and to what sparsity, as a list of events: before optimizer step
 * {@link #steps()}{@code [i]} (steps counted from 0), prune to {@link #sparsity(int, double) sparsity(i, s_f)} of a
 * final target {@code s_f}. Applied to each target of a {@link org.secateur.sparsity.Scope}, so per-layer targets
 * follow the same curve.
 */
public sealed interface Schedule {

    /** The optimizer steps before which the events happen, ascending; several events may share a step. */
    long[] steps();

    /** The sparsity event {@code event} prunes to, for a final target {@code finalSparsity}. */
    double sparsity(int event, double finalSparsity);

    /** Prune once, to the final target, before step {@code step} (0: prune a trained model, then retrain). */
    static OneShot oneShot(long step) {
        return new OneShot(step);
    }

    /** Prune and retrain {@code rounds} times, {@code stepsPerRound} optimizer steps of retraining each. */
    static Iterative iterative(int rounds, long stepsPerRound) {
        return new Iterative(rounds, stepsPerRound);
    }

    /** Zhu &amp; Gupta's gradual schedule from sparsity 0: prune every {@code dt} steps from {@code t0}, {@code n} times after the first. */
    static Gradual gradual(long t0, long dt, int n) {
        return new Gradual(t0, dt, n, 0);
    }

    /** Pruning at initialisation in {@code rounds} rounds before the first step (1 for SNIP and GraSP, 100 for SynFlow). */
    static AtInit atInit(int rounds) {
        return new AtInit(rounds);
    }

    /** One event, to the final target, before step {@code step}. */
    record OneShot(long step) implements Schedule {
        public OneShot {
            requireNonNegative("step", step);
        }

        @Override
        public long[] steps() {
            return new long[] {step};
        }

        @Override
        public double sparsity(int event, double finalSparsity) {
            return finalSparsity;
        }
    }

    /**
     * Iterative pruning with retraining (Han et al. 2015, §3; Frankle &amp; Carbin 2019's iterative magnitude
     * pruning): round {@code r = 1..R} prunes before step {@code (r - 1) * stepsPerRound} and keeps
     * {@code (1 - s_f)^(r/R)} of the weights, the same fraction of the survivors each round (20% per round is the
     * lottery ticket's rate), then retrains.
     */
    record Iterative(int rounds, long stepsPerRound) implements Schedule {
        public Iterative {
            requirePositive("rounds", rounds);
            requirePositive("stepsPerRound", stepsPerRound);
        }

        @Override
        public long[] steps() {
            long[] s = new long[rounds];
            for (int r = 0; r < rounds; r++) {
                s[r] = r * stepsPerRound;
            }
            return s;
        }

        @Override
        public double sparsity(int event, double finalSparsity) {
            return exponential(event, rounds, finalSparsity);
        }
    }

    /**
     * Gradual magnitude pruning with the cubic schedule of Zhu &amp; Gupta 2017 ("To prune, or not to prune", eq. 1):
     * {@code s_t = s_f + (s_i - s_f) (1 - (t - t0) / (n dt))^3} for {@code t = t0, t0 + dt, ..., t0 + n dt}: fast at
     * first, while there are many redundant weights, then slower.
     */
    record Gradual(long t0, long dt, int n, double initialSparsity) implements Schedule {
        public Gradual {
            requireNonNegative("t0", t0);
            requirePositive("dt", dt);
            requirePositive("n", n);
            if (!(initialSparsity >= 0 && initialSparsity < 1)) {
                throw new IllegalArgumentException("initialSparsity=" + initialSparsity + ": expected a fraction in [0, 1)");
            }
        }

        @Override
        public long[] steps() {
            long[] s = new long[n + 1];
            for (int j = 0; j <= n; j++) {
                s[j] = t0 + j * dt;
            }
            return s;
        }

        @Override
        public double sparsity(int event, double finalSparsity) {
            double remaining = 1 - (double) event / n;
            return finalSparsity + (initialSparsity - finalSparsity) * remaining * remaining * remaining;
        }
    }

    /**
     * Pruning at initialisation, before any training (SNIP, GraSP, SynFlow), in {@code rounds} rounds that each keep
     * {@code (1 - s_f)^(r/R)}: the exponential schedule of SynFlow (Tanaka et al. 2020, 100 rounds), with the criterion
     * re-scored every round.
     */
    record AtInit(int rounds) implements Schedule {
        public AtInit {
            requirePositive("rounds", rounds);
        }

        @Override
        public long[] steps() {
            return new long[rounds];
        }

        @Override
        public double sparsity(int event, double finalSparsity) {
            return exponential(event, rounds, finalSparsity);
        }
    }

    /** Sparsity after round {@code event + 1} of {@code rounds} that each keep the same fraction of the survivors. */
    private static double exponential(int event, int rounds, double finalSparsity) {
        return event + 1 == rounds ? finalSparsity : 1 - Math.pow(1 - finalSparsity, (event + 1.0) / rounds);
    }

    private static void requirePositive(String what, long v) {
        if (v < 1) {
            throw new IllegalArgumentException(what + "=" + v + ": expected >= 1");
        }
    }

    private static void requireNonNegative(String what, long v) {
        if (v < 0) {
            throw new IllegalArgumentException(what + "=" + v + ": expected >= 0");
        }
    }
}
