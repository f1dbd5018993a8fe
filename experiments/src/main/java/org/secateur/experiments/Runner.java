package org.secateur.experiments;

import java.io.PrintStream;
import java.nio.file.Path;
import org.secateur.tensor.kernels.Parallel;

/** Runs one experiment: sets the thread count, creates the report, and records success or failure. */
public final class Runner {
    private Runner() {}

    /** Options of one run. */
    public record Options(boolean quick, long seed, int threads, Path dataDir, Path outRoot, PrintStream log,
                          boolean quiet) {}

    /** Runs {@code e}; the report is written even when the run fails, with status {@code failed} and the error. */
    public static Report run(Experiment e, Options o) throws Exception {
        Parallel.setThreads(o.threads());
        Report report = new Report(o.outRoot().resolve(e.name()), e, o.quick(), o.seed(), o.threads());
        RunContext ctx = new RunContext(o.quick(), o.seed(), o.threads(), o.dataDir(), report, o.log(), o.quiet());
        ctx.log("%s (%s mode, seed %d, %d threads): %s", e.name(), o.quick() ? "quick" : "full", o.seed(), o.threads(),
                e.reproduces());
        try {
            e.run(ctx);
            report.finish("completed", null);
        } catch (Exception | Error ex) {
            report.finish("failed", ex.toString());
            throw ex;
        }
        ctx.log("results in %s", report.dir().toAbsolutePath());
        return report;
    }
}
