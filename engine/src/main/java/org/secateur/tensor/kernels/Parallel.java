package org.secateur.tensor.kernels;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Splits a range of work over a fixed pool of threads. The split depends only on the range and the thread count,
 * never on timing, so a kernel whose chunks write disjoint outputs gives the same bits on every run with the same
 * thread count. Nested calls run serially in the calling thread: one level of parallelism, no oversubscription.
 *
 * <p>The thread count comes from {@code -Dsecateur.threads}, else the number of processors, and can be changed
 * with {@link #setThreads(int)}.
 */
public final class Parallel {
    private Parallel() {}

    /** A body that processes the half-open range {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);
    private static int threads = Math.max(1, Integer.getInteger("secateur.threads",
            Runtime.getRuntime().availableProcessors()));
    private static ExecutorService pool;

    /** The number of threads work is split over. */
    public static synchronized int threads() {
        return threads;
    }

    /** Sets the number of threads; 1 runs everything in the caller. */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + n);
        }
        if (n != threads && pool != null) {
            pool.shutdown();
            pool = null;
        }
        threads = n;
    }

    private static synchronized ExecutorService pool() {
        if (pool == null) {
            pool = Executors.newFixedThreadPool(threads - 1, r -> {
                Thread t = new Thread(r, "secateur-worker");
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in at most {@link #threads()} contiguous chunks of at least
     * {@code grain} elements each; the caller runs the first chunk.
     */
    public static void forRange(int n, int grain, Range body) {
        int t = Math.min(threads(), n / Math.max(1, grain));
        if (t <= 1 || INSIDE.get()) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        ExecutorService executor = pool();
        @SuppressWarnings("unchecked")
        Future<?>[] futures = new Future<?>[t - 1];
        for (int c = 1; c < t; c++) {
            int from = chunkStart(n, t, c);
            int to = chunkStart(n, t, c + 1);
            futures[c - 1] = executor.submit(() -> {
                INSIDE.set(true);
                try {
                    body.run(from, to);
                } finally {
                    INSIDE.set(false);
                }
            });
        }
        INSIDE.set(true);
        Throwable failure = null;
        try {
            body.run(0, chunkStart(n, t, 1));
        } catch (Throwable e) {
            failure = e;
        } finally {
            INSIDE.set(false);
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        } else if (failure instanceof Error err) {
            throw err;
        } else if (failure != null) {
            throw new RuntimeException(failure);
        }
    }

    /** Start of chunk {@code c} of {@code t} over {@code n} items: sizes differ by at most one. */
    static int chunkStart(int n, int t, int c) {
        return (int) ((long) n * c / t);
    }
}
