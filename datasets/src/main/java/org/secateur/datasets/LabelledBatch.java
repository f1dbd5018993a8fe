package org.secateur.datasets;

import java.util.Arrays;
import org.secateur.tensor.Tensor;

/**
 * A classification batch: inputs and one class index per row (labels stay integers; tensors are float-only).
 *
 * @param inputs {@code [batch, ...]}
 * @param labels the class of each row
 * @param indices the dataset index of each row
 */
public record LabelledBatch(Tensor inputs, int[] labels, int[] indices) implements Batch {

    /** Checks that inputs, labels and indices have one entry per row. */
    public LabelledBatch {
        requireRows(inputs, labels.length, "labels");
        requireRows(inputs, indices.length, "indices");
    }

    static void requireRows(Tensor inputs, int rows, String what) {
        if (inputs.rank() == 0 || inputs.size(0) != rows) {
            throw new IllegalArgumentException(what + " has " + rows + " entries but inputs have shape "
                    + Arrays.toString(inputs.shape()));
        }
    }
}
