package org.secateur.datasets;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Produces items {@code 0 .. count-1} on one daemon thread, ahead of the consumer, through a bounded queue. A failure
 * in the producer is rethrown to the consumer at the item where it happened; closing stops and joins the thread.
 */
final class Prefetcher<T> implements Iterator<T>, AutoCloseable {
    /** A producer failure, queued in place of the item it failed to make. */
    private record Failure(int index, Throwable error) {}

    private final String name;
    private final int count;
    private final BlockingQueue<Object> queue;
    private final Thread thread;
    private volatile boolean stopped;
    private int taken;
    private boolean failed;

    /**
     * Starts producing.
     *
     * @param name the thread's name, also used in error messages
     * @param capacity how many items may wait in the queue
     */
    Prefetcher(String name, int count, int capacity, IntFunction<T> produce) {
        this.name = name;
        this.count = count;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = Thread.ofPlatform().name(name).daemon().unstarted(() -> run(produce));
        thread.start();
    }

    private void run(IntFunction<T> produce) {
        try {
            for (int i = 0; i < count && !stopped; i++) {
                Object item;
                try {
                    item = Objects.requireNonNull(produce.apply(i), "produced null");
                } catch (Throwable t) { // everything, Errors included, must reach the consumer rather than vanish
                    item = new Failure(i, t);
                }
                queue.put(item);
                if (item instanceof Failure) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // Closed by the consumer: stop quietly.
        }
    }

    @Override
    public boolean hasNext() {
        return !stopped && !failed && taken < count;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException(name + ": no more items");
        }
        Object item = take();
        if (item instanceof Failure(int index, Throwable error)) {
            failed = true;
            close();
            throw new IllegalStateException(name + ": producing item " + index + " failed: " + error, error);
        }
        taken++;
        return (T) item;
    }

    private Object take() {
        try {
            while (true) {
                Object item = queue.poll(100, TimeUnit.MILLISECONDS);
                if (item != null) {
                    return item;
                }
                if (!thread.isAlive() && queue.isEmpty()) {
                    throw new IllegalStateException(name + ": producer ended before item " + taken);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new CancellationException(name + ": interrupted while waiting for item " + taken);
        }
    }

    /** Whether the producer thread is still running. */
    boolean running() {
        return thread.isAlive();
    }

    /** Stops the producer and waits for its thread to end; idempotent. */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        boolean interrupted = false;
        while (thread.isAlive()) {
            queue.clear(); // unblocks a producer waiting to put, should it miss the interrupt
            try {
                thread.join(50);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        queue.clear();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
