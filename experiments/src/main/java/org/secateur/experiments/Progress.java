package org.secateur.experiments;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long task: a live bar with ETA on an interactive terminal, plain periodic lines otherwise
 * (logs, CI), nothing at all when quiet.
 */
public interface Progress extends AutoCloseable {
    /** Advances by {@code n} units. */
    void step(long n);

    /** A short status shown beside the bar (e.g. the running loss). */
    void status(String text);

    @Override
    void close();

    /** Chooses the rendering for the current output. */
    static Progress create(String task, long total, String unit, PrintStream out, boolean quiet) {
        if (quiet) {
            return none();
        }
        java.io.Console console = System.console();
        if (console != null && console.isTerminal() && out == System.out) {
            return new Bar(task, total, unit);
        }
        return new Lines(task, total, unit, out);
    }

    /** Shows nothing: for work inside a larger task that reports its own progress. */
    static Progress none() {
        return new Progress() {
            @Override
            public void step(long n) {}

            @Override
            public void status(String text) {}

            @Override
            public void close() {}
        };
    }

    /** Work shorter than this shows no progress at all: no flicker of bars for tasks that end at once. */
    long QUIET_NANOS = 2_000_000_000L;

    /** me.tongfei's progress bar, started once the task has run for {@link #QUIET_NANOS}. */
    final class Bar implements Progress {
        private final String task;
        private final long total;
        private final String unit;
        private final long start = System.nanoTime();
        private long done;
        private String status = "";
        private ProgressBar bar;

        Bar(String task, long total, String unit) {
            this.task = task;
            this.total = total;
            this.unit = unit;
        }

        @Override
        public void step(long n) {
            done += n;
            if (bar == null && System.nanoTime() - start > QUIET_NANOS) {
                bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUnit(" " + unit, 1)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).showSpeed().build();
                bar.stepTo(done);
                bar.setExtraMessage(status);
            } else if (bar != null) {
                bar.stepBy(n);
            }
        }

        @Override
        public void status(String text) {
            status = " " + text;
            if (bar != null) {
                bar.setExtraMessage(status);
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }

    /**
     * A line at every tenth of the work or every 30 seconds, whichever comes first, with an ETA; silent for the
     * first {@link #QUIET_NANOS}.
     */
    final class Lines implements Progress {
        private final String task;
        private final long total;
        private final String unit;
        private final PrintStream out;
        private final long start = System.nanoTime();
        private long done;
        private long lastPrint = System.nanoTime();
        private long lastDecile;
        private String status = "";

        Lines(String task, long total, String unit, PrintStream out) {
            this.task = task;
            this.total = Math.max(1, total);
            this.unit = unit;
            this.out = out;
        }

        @Override
        public void step(long n) {
            done += n;
            long decile = done * 10 / total;
            long now = System.nanoTime();
            if (now - start > QUIET_NANOS && (decile > lastDecile || now - lastPrint > 30_000_000_000L)) {
                lastDecile = decile;
                lastPrint = now;
                double elapsed = (now - start) / 1e9;
                double eta = done == 0 ? 0 : elapsed * (total - done) / done;
                out.printf("  %s: %d/%d %s (%.0f%%), %s elapsed, ETA %s%s%n", task, done, total, unit,
                        100.0 * done / total, fmt(elapsed), fmt(eta), status.isEmpty() ? "" : ", " + status);
            }
        }

        @Override
        public void status(String text) {
            status = text;
        }

        @Override
        public void close() {}

        private static String fmt(double seconds) {
            Duration d = Duration.ofMillis((long) (seconds * 1000));
            return d.toMinutes() > 0 ? String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart())
                    : String.format("%.1fs", seconds);
        }
    }
}
