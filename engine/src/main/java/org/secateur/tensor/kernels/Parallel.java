package org.secateur.tensor.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Splits a range of work over a fixed pool of threads. The split into chunks depends only on the range, the grain
 * and the thread count, never on timing, so a kernel whose chunks write disjoint outputs gives the same bits on
 * every run with the same thread count. Which thread runs which chunk does depend on timing: chunks (up to
 * {@value #CHUNKS_PER_THREAD} per thread) are handed out one at a time to whichever thread is free, so a thread
 * that starts late or runs slowly (a vCPU the host shares, as on the project's machine) takes fewer of them instead
 * of holding everyone up. Nested calls run serially in the calling thread: one level of parallelism, no
 * oversubscription.
 *
 * <p>The thread count comes from {@code -Dsecateur.threads}, else the number of processors, and can be changed
 * with {@link #setThreads(int)}.
 *
 * <p>A training step hands the pool many small jobs (a GEMM of a few hundred microseconds, a pooling pass of tens),
 * so dispatch must cost far less than an executor's submit and future: the workers spin briefly on a generation
 * counter before parking, and the caller runs the first chunk itself and spins until the others are done. When
 * another thread already holds the pool, a caller runs its chunks one after the other itself, in the same split,
 * so the result is the same.
 */
public final class Parallel {
    private Parallel() {}

    /** A body that processes the half-open range {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /**
     * The most chunks per thread a range is cut into. One chunk per thread (a static split) leaves the fast thread
     * idle whenever the other is late or slowed; a few per thread let the fast one take up the slack, at the cost of
     * a shared counter increment per chunk.
     */
    public static final int CHUNKS_PER_THREAD = 4;

    /** How long an idle worker spins before parking, in nanoseconds ({@code -Dsecateur.spinMicros}, default 50). */
    private static final long SPIN_NANOS = 1000L * Long.getLong("secateur.spinMicros", 50);

    private static final ThreadLocal<boolean[]> INSIDE = ThreadLocal.withInitial(() -> new boolean[1]);
    private static int threads = Math.max(1, Integer.getInteger("secateur.threads",
            Runtime.getRuntime().availableProcessors()));
    private static Pool pool;

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

    private static synchronized Pool pool() {
        if (pool == null) {
            pool = new Pool(threads - 1);
        }
        return pool;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in contiguous chunks of at least {@code grain} elements each, at most
     * {@value #CHUNKS_PER_THREAD} per thread ({@link #chunks}); the caller works through chunks as well, and returns
     * when all are done.
     */
    public static void forRange(int n, int grain, Range body) {
        int t = threads();
        int chunks = chunks(n, grain, t);
        boolean[] inside = INSIDE.get();
        if (chunks <= 1 || inside[0]) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        Pool p = pool();
        inside[0] = true;
        try {
            p.run(n, chunks, Math.min(t, chunks), body);
        } finally {
            inside[0] = false;
        }
    }

    /**
     * How many chunks {@link #forRange} cuts {@code [0, n)} into on {@code threads} threads: none below
     * {@code grain} elements, at most {@value #CHUNKS_PER_THREAD} per thread, one when there is a single thread.
     */
    public static int chunks(int n, int grain, int threads) {
        if (threads <= 1) {
            return Math.min(1, n);
        }
        return (int) Math.min((long) CHUNKS_PER_THREAD * threads, n / Math.max(1, grain));
    }

    /** Start of chunk {@code c} of {@code t} over {@code n} items: sizes differ by at most one. */
    static int chunkStart(int n, int t, int c) {
        return (int) ((long) n * c / t);
    }

    /** One job: the body, its split, the next chunk to hand out, and how many chunks are not finished. */
    private static final class Job {
        final int generation;
        final Range body;
        final int n;
        final int chunks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger pending;
        final Thread caller;
        volatile boolean callerParked;
        volatile Throwable failure;

        Job(int generation, Range body, int n, int chunks) {
            this.generation = generation;
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.pending = new AtomicInteger(chunks);
            this.caller = Thread.currentThread();
        }

        /** Takes and runs chunks until none is left; records the first failure. */
        void work() {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                try {
                    body.run(chunkStart(n, chunks, c), chunkStart(n, chunks, c + 1));
                } catch (Throwable e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
                if (pending.decrementAndGet() == 0 && callerParked) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    /** Workers waiting for the next job; one job at a time. */
    private static final class Pool {
        private static final java.lang.invoke.VarHandle PARKED =
                java.lang.invoke.MethodHandles.arrayElementVarHandle(boolean[].class);

        private final Thread[] workers;
        private final boolean[] parked;
        private final ReentrantLock lock = new ReentrantLock();
        private volatile Job job;
        private volatile boolean stopped;
        private int generation;

        Pool(int size) {
            workers = new Thread[size];
            parked = new boolean[size];
            for (int i = 0; i < size; i++) {
                int index = i;
                Thread w = new Thread(() -> work(index), "secateur-worker-" + (i + 1));
                w.setDaemon(true);
                workers[i] = w;
            }
            for (Thread w : workers) {
                w.start();
            }
        }

        void shutdown() {
            stopped = true;
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
        }

        /** Runs the {@code chunks} chunks of {@code [0, n)} on the caller and {@code t - 1} workers. */
        void run(int n, int chunks, int t, Range body) {
            if (!lock.tryLock()) {
                // Another thread is using the pool: same chunks, run here one after the other.
                for (int c = 0; c < chunks; c++) {
                    body.run(chunkStart(n, chunks, c), chunkStart(n, chunks, c + 1));
                }
                return;
            }
            try {
                Job j = new Job(++generation, body, n, chunks);
                job = j;                               // publishes the job
                for (int i = 0; i < t - 1 && i < workers.length; i++) {
                    if ((boolean) PARKED.getVolatile(parked, i)) {
                        LockSupport.unpark(workers[i]);
                    }
                }
                j.work();
                await(j);
                job = null;
                Throwable f = j.failure;
                if (f instanceof RuntimeException re) {
                    throw re;
                } else if (f instanceof Error err) {
                    throw err;
                } else if (f != null) {
                    throw new RuntimeException(f);
                }
            } finally {
                lock.unlock();
            }
        }

        private static void await(Job j) {
            long start = System.nanoTime();
            while (j.pending.get() != 0) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    j.callerParked = true;
                    if (j.pending.get() != 0) {
                        LockSupport.parkNanos(j, 200_000);
                    }
                }
            }
        }

        private Job next(int index, int seen) {
            Job j = job;
            if (j != null && j.generation != seen) {
                return j;
            }
            long start = System.nanoTime();
            while (!stopped && System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
                j = job;
                if (j != null && j.generation != seen) {
                    return j;
                }
            }
            while (!stopped) {
                PARKED.setVolatile(parked, index, true);
                j = job;
                if (j == null || j.generation == seen) {
                    LockSupport.park(this);
                }
                PARKED.setVolatile(parked, index, false);
                j = job;
                if (j != null && j.generation != seen) {
                    return j;
                }
            }
            return null;
        }

        private void work(int index) {
            INSIDE.get()[0] = true;
            int seen = 0;
            while (true) {
                Job j = next(index, seen);
                if (j == null) {
                    return;
                }
                seen = j.generation;
                j.work();
            }
        }
    }
}
