package org.secateur.datasets;

import java.util.Arrays;
import org.secateur.tensor.Tensor;

/**
 * A regression batch: inputs and real-valued targets, both tensors of the same dtype.
 *
 * @param inputs {@code [batch, ...]}
 * @param targets {@code [batch, targetDim]}
 * @param indices the dataset index of each row
 */
public record RegressionBatch(Tensor inputs, Tensor targets, int[] indices) implements Batch {

    /** Checks that inputs, targets and indices have one entry per row. */
    public RegressionBatch {
        LabelledBatch.requireRows(inputs, indices.length, "indices");
        if (targets.rank() == 0 || targets.size(0) != indices.length || targets.dtype() != inputs.dtype()) {
            throw new IllegalArgumentException("targets " + Arrays.toString(targets.shape()) + " " + targets.dtype()
                    + " do not match inputs " + Arrays.toString(inputs.shape()) + " " + inputs.dtype());
        }
    }
}
