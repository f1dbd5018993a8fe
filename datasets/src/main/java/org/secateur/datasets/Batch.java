package org.secateur.datasets;

import org.secateur.tensor.Tensor;

/** A mini-batch from a {@link DataLoader}: inputs whose first dimension is the batch, and what to predict. */
public sealed interface Batch permits LabelledBatch, RegressionBatch {

    /** The inputs, {@code [batch, ...]}. */
    Tensor inputs();

    /** The dataset index of each row, so that results can be traced back to examples. */
    int[] indices();

    /** Number of examples. */
    default int size() {
        return indices().length;
    }
}
