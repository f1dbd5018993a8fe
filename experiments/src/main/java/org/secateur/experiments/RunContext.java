package org.secateur.experiments;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.secateur.tensor.Rng;

/**
 * What an experiment run gets: its size (quick or full), the seed and a root random generator, the thread count,
 * where data is and where results go, a report, a log and progress bars.
 */
public final class RunContext {
    private final boolean quick;
    private final long seed;
    private final int threads;
    private final Path dataDir;
    private final Report report;
    private final PrintStream log;
    private final boolean quiet;
    private final Rng rng;

    RunContext(boolean quick, long seed, int threads, Path dataDir, Report report, PrintStream log, boolean quiet) {
        this.quick = quick;
        this.seed = seed;
        this.threads = threads;
        this.dataDir = dataDir;
        this.report = report;
        this.log = log;
        this.quiet = quiet;
        this.rng = new Rng(seed);
    }

    /** Whether this is the quick configuration (seconds; tests and CI). */
    public boolean quick() {
        return quick;
    }

    public long seed() {
        return seed;
    }

    /** The root generator: split it per use. */
    public Rng rng() {
        return rng;
    }

    public int threads() {
        return threads;
    }

    /** The data directory given on the command line, or {@code null} to search the usual places. */
    public Path dataDir() {
        return dataDir;
    }

    public Report report() {
        return report;
    }

    /** Prints a line to the run's log. */
    public void log(String format, Object... args) {
        if (!quiet) {
            log.println(String.format(Locale.ROOT, format, args));
        }
    }

    /** A progress display for {@code total} units of {@code unit}. */
    public Progress progress(String task, long total, String unit) {
        return Progress.create(task, total, unit, log, quiet);
    }

    /** Runs one named stage, recording its wall time and saving the results so far when it ends. */
    public <T> T stage(String name, Callable<T> body) throws Exception {
        long t0 = System.nanoTime();
        try {
            return body.call();
        } finally {
            double s = (System.nanoTime() - t0) / 1e9;
            report.stage(name, s);
            report.write();
            log("[%s] %.1f s", name, s);
        }
    }
}
