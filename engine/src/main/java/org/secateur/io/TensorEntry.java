package org.secateur.io;

import java.util.Arrays;
import java.util.Objects;
import org.secateur.tensor.DType;
import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;

/**
 * One named array of a checkpoint: a float tensor, or an integer or boolean array, since {@link Tensor} holds only
 * float32 and float64. Integer entries carry what PyTorch stores as integers (a batch-norm layer's
 * {@code num_batches_tracked}, step counters); boolean entries carry masks compactly (one byte per element instead of
 * four).
 *
 * <p>Entries wrap their arrays without copying, as {@link Tensor#of(float[], int...)} does.
 */
public sealed interface TensorEntry {

    /** The element type this entry is written as. */
    SafetensorsDType dtype();

    /** A copy of the shape. */
    int[] shape();

    /**
     * The values as a float tensor of {@code dtype}: this entry's own tensor when it is a float entry of that dtype,
     * otherwise a converted copy.
     *
     * @throws ArithmeticException if an {@link Longs} value is not exactly representable in {@code dtype}
     */
    Tensor toTensor(DType dtype);

    /** Whether {@code other} has the same type, shape and elements (float elements compared bit for bit). */
    boolean contentEquals(TensorEntry other);

    /** A float entry. */
    static Floats of(Tensor tensor) {
        return new Floats(tensor);
    }

    /** A float32 or float64 tensor, written as F32 or F64. F16 and BF16 data is read into float32 tensors. */
    record Floats(Tensor tensor) implements TensorEntry {
        public Floats {
            Objects.requireNonNull(tensor, "tensor");
        }

        @Override
        public SafetensorsDType dtype() {
            return tensor.dtype() == DType.F32 ? SafetensorsDType.F32 : SafetensorsDType.F64;
        }

        @Override
        public int[] shape() {
            return tensor.shape();
        }

        @Override
        public Tensor toTensor(DType dtype) {
            if (tensor.dtype() == dtype) {
                return tensor;
            }
            return dtype == DType.F32 ? Tensor.of(tensor.toFloatArray(), tensor.shape())
                    : Tensor.of(tensor.toDoubleArray(), tensor.shape());
        }

        @Override
        public boolean contentEquals(TensorEntry other) {
            if (!(other instanceof Floats o) || o.tensor.dtype() != tensor.dtype()
                    || !Arrays.equals(o.tensor.shape(), tensor.shape())) {
                return false;
            }
            if (tensor.dtype() == DType.F32) {
                float[] a = tensor.floats();
                float[] b = o.tensor.floats();
                for (int i = 0; i < a.length; i++) {
                    if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                        return false;
                    }
                }
                return true;
            }
            double[] a = tensor.doubles();
            double[] b = o.tensor.doubles();
            for (int i = 0; i < a.length; i++) {
                if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Signed 64-bit integers (I64). */
    record Longs(int[] shape, long[] values) implements TensorEntry {
        public Longs {
            shape = checked(shape, values.length);
        }

        /** A 0-dimensional entry holding {@code value}. */
        public static Longs scalar(long value) {
            return new Longs(new int[0], new long[] {value});
        }

        @Override
        public SafetensorsDType dtype() {
            return SafetensorsDType.I64;
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public Tensor toTensor(DType dtype) {
            Tensor t = Tensor.zeros(dtype, shape);
            for (int i = 0; i < values.length; i++) {
                t.setFlat(i, values[i]);
                double stored = t.getFlat(i);
                // 2^63 is the one stored value that the cast saturates back to a long it does not equal.
                if (stored == 0x1p63 || (long) stored != values[i]) {
                    throw new ArithmeticException("I64 element " + i + " = " + values[i] + " is not exactly "
                            + "representable in " + dtype);
                }
            }
            return t;
        }

        @Override
        public boolean contentEquals(TensorEntry other) {
            return other instanceof Longs o && Arrays.equals(shape, o.shape) && Arrays.equals(values, o.values);
        }

        @Override
        public String toString() {
            return "Longs" + Arrays.toString(shape);
        }
    }

    /** Unsigned bytes (U8), held in Java's signed {@code byte}: read them with {@code b & 0xFF}. */
    record Bytes(int[] shape, byte[] values) implements TensorEntry {
        public Bytes {
            shape = checked(shape, values.length);
        }

        @Override
        public SafetensorsDType dtype() {
            return SafetensorsDType.U8;
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public Tensor toTensor(DType dtype) {
            Tensor t = Tensor.zeros(dtype, shape);
            for (int i = 0; i < values.length; i++) {
                t.setFlat(i, values[i] & 0xFF);
            }
            return t;
        }

        @Override
        public boolean contentEquals(TensorEntry other) {
            return other instanceof Bytes o && Arrays.equals(shape, o.shape) && Arrays.equals(values, o.values);
        }

        @Override
        public String toString() {
            return "Bytes" + Arrays.toString(shape);
        }
    }

    /** Booleans (BOOL), the compact form of a 0/1 mask. */
    record Bools(int[] shape, boolean[] values) implements TensorEntry {
        public Bools {
            shape = checked(shape, values.length);
        }

        /**
         * The mask {@code mask} (any float dtype) as booleans.
         *
         * @throws IllegalArgumentException naming the first element that is neither 0 nor 1
         */
        public static Bools fromMask(Tensor mask) {
            boolean[] values = new boolean[mask.numel()];
            for (int i = 0; i < values.length; i++) {
                double v = mask.getFlat(i);
                if (v != 0 && v != 1) {
                    throw new IllegalArgumentException("mask element at flat index " + i + " is " + v
                            + ", expected 0 or 1 (mask shape " + Arrays.toString(mask.shape()) + ")");
                }
                values[i] = v == 1;
            }
            return new Bools(mask.shape(), values);
        }

        @Override
        public SafetensorsDType dtype() {
            return SafetensorsDType.BOOL;
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** The 0/1 mask as a float tensor. */
        @Override
        public Tensor toTensor(DType dtype) {
            Tensor t = Tensor.zeros(dtype, shape);
            for (int i = 0; i < values.length; i++) {
                t.setFlat(i, values[i] ? 1 : 0);
            }
            return t;
        }

        @Override
        public boolean contentEquals(TensorEntry other) {
            return other instanceof Bools o && Arrays.equals(shape, o.shape) && Arrays.equals(values, o.values);
        }

        @Override
        public String toString() {
            return "Bools" + Arrays.toString(shape);
        }
    }

    /** A private copy of {@code shape} after checking that it holds {@code length} elements. */
    private static int[] checked(int[] shape, int length) {
        int n = Shape.numel(shape);
        if (n != length) {
            throw new IllegalArgumentException("values have " + length + " elements but shape "
                    + Arrays.toString(shape) + " needs " + n);
        }
        return shape.clone();
    }
}
