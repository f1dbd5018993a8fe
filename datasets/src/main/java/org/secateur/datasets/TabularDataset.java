package org.secateur.datasets;

import java.util.Arrays;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/**
 * A small in-memory classification set: rows of features and a class per row, for MONK's problems and the
 * synthetic sets. Small enough to hand to exact second-order methods whole ({@link #inputs}).
 *
 * <p>The arrays are shared, not copied: treat them as read-only.
 *
 * @param features {@code size * dim} values, row-major
 * @param dim features per row
 * @param labels the class of each row, in {@code [0, numClasses)}
 * @param numClasses the number of classes
 */
public record TabularDataset(double[] features, int dim, int[] labels, int numClasses)
        implements BatchSource<LabelledBatch> {

    /** Checks that the sizes agree and every label is a class. */
    public TabularDataset {
        Rows.requireShape("features", features, labels.length, dim);
        if (numClasses <= 0) {
            throw new IllegalArgumentException("numClasses must be positive, got " + numClasses);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("labels[" + i + "] = " + labels[i] + " is not in [0, " + numClasses
                        + ")");
            }
        }
    }

    @Override
    public int size() {
        return labels.length;
    }

    /** Feature {@code j} of row {@code i}. */
    public double feature(int i, int j) {
        return features[i * dim + j];
    }

    /** Every row as one {@code [size, dim]} tensor. */
    public Tensor inputs(DType dtype) {
        return Rows.gather(features, dim, Rows.all(size()), dtype);
    }

    /** The rows at {@code indices}, in that order (copied). */
    public TabularDataset subset(int[] indices) {
        int[] l = new int[indices.length];
        double[] x = Rows.select(features, dim, indices);
        for (int i = 0; i < indices.length; i++) {
            l[i] = labels[indices[i]];
        }
        return new TabularDataset(x, dim, l, numClasses);
    }

    @Override
    public LabelledBatch batch(int[] indices, DType dtype, Rng rng) {
        Tensor x = Rows.gather(features, dim, indices, dtype);
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            l[i] = labels[indices[i]];
        }
        return new LabelledBatch(x, l, indices.clone());
    }

    @Override
    public String toString() {
        return "TabularDataset[" + size() + " rows x " + dim + ", " + numClasses + " classes, class counts "
                + Arrays.toString(classCounts()) + "]";
    }

    /** How many rows each class has. */
    public int[] classCounts() {
        int[] c = new int[numClasses];
        for (int l : labels) {
            c[l]++;
        }
        return c;
    }
}
