package org.secateur.experiments;

/**
 * One reproduced table or figure of the lecture: a name for {@code secateur run <name>}, what it reproduces, and
 * a run in two sizes: {@code quick} (seconds, used by the tests and CI) and full (minutes on 2 cores).
 */
public interface Experiment {
    /** The command-line name, e.g. {@code magnitude-retrain}. */
    String name();

    /** One sentence: what the experiment does. */
    String description();

    /** The seed table or figure it reproduces, e.g. "seed §4 figure: dense 76.0% -> pruned 36.1% -> 71.4%". */
    String reproduces();

    /** Runs the experiment, writing its results through {@link RunContext#report()}. */
    void run(RunContext ctx) throws Exception;
}
