package org.secateur.datasets;

import org.secateur.tensor.DType;
import org.secateur.tensor.Tensor;

/** Helpers for row-major {@code double} matrices: picking rows, and turning them into tensors. */
final class Rows {
    private Rows() {}

    /** The rows at {@code indices} of a matrix with {@code cols} columns, as a {@code [indices.length, cols]} tensor. */
    static Tensor gather(double[] m, int cols, int[] indices, DType dtype) {
        int rows = m.length / cols;
        Tensor t = Tensor.zeros(dtype, indices.length, cols);
        for (int i = 0; i < indices.length; i++) {
            int r = indices[i];
            if (r < 0 || r >= rows) {
                throw new IllegalArgumentException("indices[" + i + "] = " + r + " is not in [0, " + rows + ")");
            }
            if (dtype == DType.F64) {
                System.arraycopy(m, r * cols, t.doubles(), i * cols, cols);
            } else {
                float[] f = t.floats();
                for (int j = 0; j < cols; j++) {
                    f[i * cols + j] = (float) m[r * cols + j];
                }
            }
        }
        return t;
    }

    /** The rows at {@code indices}, copied. */
    static double[] select(double[] m, int cols, int[] indices) {
        return gather(m, cols, indices, DType.F64).doubles();
    }

    /** {@code [0, n)}. */
    static int[] all(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** Checks that a matrix of {@code values.length} elements splits into {@code rows} rows of positive width. */
    static void requireShape(String name, double[] values, int rows, int cols) {
        if (cols <= 0 || (long) rows * cols != values.length) {
            throw new IllegalArgumentException(name + " has " + values.length + " values, which is not " + rows
                    + " rows of " + cols + " (cols must be positive)");
        }
    }
}
