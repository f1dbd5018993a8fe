package org.secateur.datasets;

import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;

/**
 * A dataset that can assemble any batch of its examples: what a {@link DataLoader} iterates over. Implementations
 * must be safe to call from the loader's prefetch thread while the caller trains (they only read their data).
 */
public interface BatchSource<B extends Batch> {

    /** Number of examples. */
    int size();

    /**
     * The examples at {@code indices} as one batch.
     *
     * @param dtype the element type of the tensors
     * @param rng randomness for this batch only (augmentation), so that batches do not depend on each other
     */
    B batch(int[] indices, DType dtype, Rng rng);
}
