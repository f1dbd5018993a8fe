package org.secateur.datasets;

import java.util.Arrays;
import java.util.Objects;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;

/**
 * Iterates a {@link BatchSource} in mini-batches, epoch by epoch, as engine tensors (float32 unless float64 is asked
 * for, e.g. for second-order work).
 *
 * <p>Everything random is a function of the seed and the position alone: epoch {@code e} is shuffled by a stream
 * derived from {@code (seed, e)} and batch {@code b} of it is augmented by one derived from {@code (seed, e, b)}. The
 * same seed therefore gives the same batches, in any order of calls and with or without prefetching.
 *
 * <p>With prefetching on (the default), each epoch's batches are assembled ahead on one daemon thread through a
 * bounded queue. Starting the next epoch or closing the loader stops the previous epoch's thread, so an abandoned
 * epoch leaks nothing. A loader is meant for one consuming thread.
 *
 * <pre>{@code
 * try (DataLoader<LabelledBatch> loader = DataLoader.over(train).batchSize(128).seed(42).build()) {
 *     for (int e = 0; e < epochs; e++) {
 *         for (LabelledBatch b : loader.epoch(e)) { ... }
 *     }
 * }
 * }</pre>
 */
public final class DataLoader<B extends Batch> implements AutoCloseable {
    private final BatchSource<B> source;
    private final int batchSize;
    private final long seed;
    private final boolean shuffle;
    private final boolean dropLast;
    private final DType dtype;
    private final int prefetch;
    private Epoch<B> current;
    private boolean closed;

    private DataLoader(Builder<B> b) {
        this.source = b.source;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.dtype = b.dtype;
        this.prefetch = b.prefetch;
    }

    /** A builder for a loader over {@code source}. */
    public static <B extends Batch> Builder<B> over(BatchSource<B> source) {
        return new Builder<>(source);
    }

    /** Number of examples in the source. */
    public int size() {
        return source.size();
    }

    /** Batches per epoch: {@code ceil(size / batchSize)}, or {@code floor} with drop-last. */
    public int batchesPerEpoch() {
        int n = source.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The order in which epoch {@code epoch} visits the examples (all of them, before drop-last trims the tail). */
    public int[] order(int epoch) {
        requireEpoch(epoch);
        int n = source.size();
        if (!shuffle) {
            return Rows.all(n);
        }
        return new Rng(Seeds.derive(seed, Seeds.ORDER, epoch)).permutation(n);
    }

    /**
     * The batches of epoch {@code epoch}. Stops the previous epoch's prefetching if it was abandoned.
     *
     * @throws IllegalStateException if the loader is closed
     */
    public Epoch<B> epoch(int epoch) {
        if (closed) {
            throw new IllegalStateException("the DataLoader is closed");
        }
        requireEpoch(epoch);
        if (current != null) {
            current.close();
        }
        int[] order = order(epoch);
        int count = batchesPerEpoch();
        current = new Epoch<>("secateur-prefetch-epoch-" + epoch, count, prefetch, b -> {
            int from = b * batchSize;
            int[] idx = Arrays.copyOfRange(order, from, Math.min(from + batchSize, order.length));
            return source.batch(idx, dtype, new Rng(Seeds.derive(seed, Seeds.AUGMENT, epoch, b)));
        });
        return current;
    }

    /** Stops any prefetching; the loader cannot be used afterwards. */
    @Override
    public void close() {
        closed = true;
        if (current != null) {
            current.close();
            current = null;
        }
    }

    private static void requireEpoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
    }

    /** Options of a {@link DataLoader}; every setter checks its argument. */
    public static final class Builder<B extends Batch> {
        private final BatchSource<B> source;
        private int batchSize = 32;
        private long seed;
        private boolean shuffle = true;
        private boolean dropLast;
        private DType dtype = DType.F32;
        private int prefetch = 3;

        private Builder(BatchSource<B> source) {
            this.source = source;
        }

        /** Examples per batch (default 32). */
        public Builder<B> batchSize(int batchSize) {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** The seed of shuffling and augmentation (default 0). */
        public Builder<B> seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Whether each epoch visits the examples in a fresh random order (default true). */
        public Builder<B> shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Whether to drop a last batch smaller than the batch size (default false). */
        public Builder<B> dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** The tensor element type (default {@link DType#F32}). */
        public Builder<B> dtype(DType dtype) {
            this.dtype = Objects.requireNonNull(dtype, "dtype");
            return this;
        }

        /** How many batches to assemble ahead on the prefetch thread; 0 assembles on the caller (default 3). */
        public Builder<B> prefetch(int prefetch) {
            if (prefetch < 0) {
                throw new IllegalArgumentException("prefetch must be >= 0, got " + prefetch);
            }
            this.prefetch = prefetch;
            return this;
        }

        /** The loader with these options. */
        public DataLoader<B> build() {
            return new DataLoader<>(this);
        }
    }
}
