package org.secateur.datasets;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.IntFunction;

/**
 * The batches of one epoch of a {@link DataLoader}, iterated once. Prefetching starts when iteration does; closing
 * (or starting the loader's next epoch) stops it.
 */
public final class Epoch<B extends Batch> implements Iterable<B>, AutoCloseable {
    private final String name;
    private final int count;
    private final int prefetch;
    private final IntFunction<B> batch;
    private Prefetcher<B> prefetcher;
    private boolean started;
    private boolean closed;

    Epoch(String name, int count, int prefetch, IntFunction<B> batch) {
        this.name = name;
        this.count = count;
        this.prefetch = prefetch;
        this.batch = batch;
    }

    /** Number of batches. */
    public int batches() {
        return count;
    }

    /**
     * Starts the iteration.
     *
     * @throws IllegalStateException if called a second time or after {@link #close()}
     */
    @Override
    public Iterator<B> iterator() {
        if (started || closed) {
            throw new IllegalStateException(name + " can be iterated only once; ask the DataLoader for the epoch again");
        }
        started = true;
        if (prefetch > 0 && count > 0) {
            prefetcher = new Prefetcher<>(name, count, prefetch, batch);
            return prefetcher;
        }
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return !closed && next < count;
            }

            @Override
            public B next() {
                if (!hasNext()) {
                    throw new NoSuchElementException(name + ": no more batches");
                }
                return batch.apply(next++);
            }
        };
    }

    /** Whether a prefetch thread is running for this epoch. */
    public boolean prefetching() {
        return prefetcher != null && prefetcher.running();
    }

    /** Stops prefetching and ends the iteration; idempotent. */
    @Override
    public void close() {
        closed = true;
        if (prefetcher != null) {
            prefetcher.close();
        }
    }
}
