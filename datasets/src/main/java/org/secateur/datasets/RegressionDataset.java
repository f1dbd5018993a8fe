package org.secateur.datasets;

import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/**
 * A small in-memory regression set: rows of inputs and rows of real targets, e.g. the teacher-student set.
 *
 * <p>The arrays are shared, not copied: treat them as read-only.
 *
 * @param inputs {@code size * inputDim} values, row-major
 * @param inputDim inputs per row
 * @param targets {@code size * targetDim} values, row-major
 * @param targetDim targets per row
 */
public record RegressionDataset(double[] inputs, int inputDim, double[] targets, int targetDim)
        implements BatchSource<RegressionBatch> {

    /** Checks that inputs and targets have the same number of rows. */
    public RegressionDataset {
        if (targetDim <= 0 || targets.length % targetDim != 0) {
            throw new IllegalArgumentException("targets has " + targets.length + " values, not a whole number of rows"
                    + " of targetDim " + targetDim);
        }
        Rows.requireShape("inputs", inputs, targets.length / targetDim, inputDim);
    }

    @Override
    public int size() {
        return targets.length / targetDim;
    }

    /** Every input row as one {@code [size, inputDim]} tensor. */
    public Tensor inputs(DType dtype) {
        return Rows.gather(inputs, inputDim, Rows.all(size()), dtype);
    }

    /** Every target row as one {@code [size, targetDim]} tensor. */
    public Tensor targets(DType dtype) {
        return Rows.gather(targets, targetDim, Rows.all(size()), dtype);
    }

    /** The rows at {@code indices}, in that order (copied). */
    public RegressionDataset subset(int[] indices) {
        return new RegressionDataset(Rows.select(inputs, inputDim, indices), inputDim,
                Rows.select(targets, targetDim, indices), targetDim);
    }

    @Override
    public RegressionBatch batch(int[] indices, DType dtype, Rng rng) {
        return new RegressionBatch(Rows.gather(inputs, inputDim, indices, dtype),
                Rows.gather(targets, targetDim, indices, dtype), indices.clone());
    }
}
