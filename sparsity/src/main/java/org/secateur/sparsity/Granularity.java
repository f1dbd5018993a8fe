package org.secateur.sparsity;

import java.util.Arrays;
import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;

/**
 * What is pruned together: single weights, vectors, 2-D kernels, whole filters or input channels, blocks, or the
 * N:M pattern. Weights follow the engine's layouts: Linear {@code [out, in]}, Conv2d {@code [out, in, kh, kw]}.
 *
 * <p>Every granularity but {@link NM} prunes whole {@link Groups}: a structured mask is zero over a group or one
 * over it. {@link NM} instead keeps exactly N entries in every group of M consecutive weights along the input
 * dimension; its sparsity is fixed at {@code (M - N) / M}.
 */
public sealed interface Granularity {

    /**
     * The groups of a weight of this shape.
     *
     * @throws IllegalArgumentException if the granularity does not fit the shape (rank, divisibility)
     */
    Groups groups(int[] shape);

    /** Whether {@code mask} has this structure: each group all zero or all one; for N:M, exactly N ones per group. */
    default boolean admits(Tensor mask) {
        Groups groups = groups(mask.shape());
        for (int g = 0; g < groups.count(); g++) {
            int ones = 0;
            for (int j = 0; j < groups.size(); j++) {
                ones += mask.getFlat(groups.member(g, j)) != 0 ? 1 : 0;
            }
            boolean ok = this instanceof NM nm ? ones == nm.n() : ones == 0 || ones == groups.size();
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Single weights ({@code l1_unstructured}, {@code global_unstructured}). */
    static Unstructured unstructured() {
        return new Unstructured();
    }

    /** Rows: vectors along the last axis (a neuron's inputs in a Linear weight, a kernel row in a conv weight). */
    static Vector rows() {
        return new Vector(-1);
    }

    /** Columns: vectors along the second-to-last axis (an input's fan-out in a Linear weight, a kernel column). */
    static Vector columns() {
        return new Vector(-2);
    }

    /** Whole 2-D kernels {@code kh x kw} of a conv weight. */
    static Kernel kernel() {
        return new Kernel();
    }

    /** Whole output filters (PyTorch's {@code ln_structured(dim=0)}). */
    static Filter filter() {
        return new Filter();
    }

    /** Whole input channels (PyTorch's {@code ln_structured(dim=1)}). */
    static Channel channel() {
        return new Channel();
    }

    /** {@code rows x cols} blocks of the weight viewed as the GEMM matrix {@code [out, in*kh*kw]}. */
    static Block block(int rows, int cols) {
        return new Block(rows, cols);
    }

    /** N non-zeros in every M consecutive weights along the input dimension. */
    static NM nm(int n, int m) {
        return new NM(n, m);
    }

    /** Single weights: every entry is its own group. */
    record Unstructured() implements Granularity {
        @Override
        public String toString() {
            return "unstructured";
        }

        @Override
        public Groups groups(int[] shape) {
            return Groups.of(new int[] {Shape.numel(shape)}, new boolean[] {false});
        }
    }

    /**
     * 1-D vectors along one axis: entries sharing every index except {@code axis} (negative counts from the end, as
     * in PyTorch).
     */
    record Vector(int axis) implements Granularity {
        @Override
        public String toString() {
            return "vectors along axis " + axis;
        }

        @Override
        public Groups groups(int[] shape) {
            int a = axis < 0 ? axis + shape.length : axis;
            if (a < 0 || a >= shape.length) {
                throw new IllegalArgumentException("vector granularity along axis " + axis + " does not fit a weight of shape "
                        + Shape.str(shape));
            }
            boolean[] grouped = new boolean[shape.length];
            grouped[a] = true;
            return Groups.of(shape, grouped);
        }
    }

    /** Whole 2-D kernels: entries sharing the output and input channel of a conv weight {@code [out, in, kh, kw]}. */
    record Kernel() implements Granularity {
        @Override
        public String toString() {
            return "kernels";
        }

        @Override
        public Groups groups(int[] shape) {
            if (shape.length < 3) {
                throw new IllegalArgumentException("kernel granularity needs a conv weight [out, in, kh, kw], got "
                        + Shape.str(shape));
            }
            boolean[] grouped = new boolean[shape.length];
            Arrays.fill(grouped, 2, shape.length, true);
            return Groups.of(shape, grouped);
        }
    }

    /** Whole output filters: entries sharing the first index (a neuron's row of a Linear weight). */
    record Filter() implements Granularity {
        @Override
        public String toString() {
            return "filters";
        }

        @Override
        public Groups groups(int[] shape) {
            if (shape.length < 1) {
                throw new IllegalArgumentException("filter granularity needs a weight of rank >= 1, got a scalar");
            }
            boolean[] grouped = new boolean[shape.length];
            Arrays.fill(grouped, 1, shape.length, true);
            return Groups.of(shape, grouped);
        }
    }

    /** Whole input channels: entries sharing the second index (an input's column of a Linear weight). */
    record Channel() implements Granularity {
        @Override
        public String toString() {
            return "channels";
        }

        @Override
        public Groups groups(int[] shape) {
            if (shape.length < 2) {
                throw new IllegalArgumentException("channel granularity needs a weight [out, in, ...], got "
                        + Shape.str(shape));
            }
            boolean[] grouped = new boolean[shape.length];
            Arrays.fill(grouped, true);
            grouped[1] = false;
            return Groups.of(shape, grouped);
        }
    }

    /**
     * Blocks of {@code rows x cols} entries of the weight viewed as the matrix {@code [out, in*kh*kw]} that a GEMM
     * (after im2col for a convolution) multiplies; both dimensions must be divisible by the block's.
     */
    record Block(int rows, int cols) implements Granularity {
        public Block {
            if (rows < 1 || cols < 1) {
                throw new IllegalArgumentException("block " + rows + "x" + cols + ": sizes must be >= 1");
            }
        }

        @Override
        public String toString() {
            return rows + "x" + cols + " blocks";
        }

        @Override
        public Groups groups(int[] shape) {
            if (shape.length < 2) {
                throw new IllegalArgumentException("block granularity needs a weight [out, in, ...], got " + Shape.str(shape));
            }
            int out = shape[0];
            int in = Shape.numel(shape) / out;
            if (out % rows != 0 || in % cols != 0) {
                throw new IllegalArgumentException("block " + rows + "x" + cols + " does not tile the matrix [" + out + ", "
                        + in + "] of weight " + Shape.str(shape) + ": both dimensions must be divisible by the block's");
            }
            return Groups.of(new int[] {out / rows, rows, in / cols, cols}, new boolean[] {false, true, false, true});
        }
    }

    /**
     * N:M sparsity (Mishra et al. 2021; NVIDIA Apex ASP's {@code m4n2_1d} for 2:4): exactly {@code n} non-zeros in
     * every group of {@code m} consecutive weights along the input dimension (axis 1): for a Linear weight, runs of
     * {@code m} along a row; for a conv weight, {@code m} input channels at one output channel and kernel position.
     * The input dimension must be divisible by {@code m}.
     */
    record NM(int n, int m) implements Granularity {
        public NM {
            if (m < 1 || n < 1 || n > m) {
                throw new IllegalArgumentException("N:M = " + n + ":" + m + ": expected 1 <= N <= M");
            }
        }

        /** The sparsity the pattern fixes, {@code (m - n) / m}. */
        public double sparsity() {
            return (double) (m - n) / m;
        }

        @Override
        public String toString() {
            return n + ":" + m;
        }

        @Override
        public Groups groups(int[] shape) {
            if (shape.length < 2 || shape[1] % m != 0) {
                throw new IllegalArgumentException(n + ":" + m + " sparsity needs a weight [out, in, ...] whose input "
                        + "dimension is divisible by " + m + ", got " + Shape.str(shape));
            }
            int[] view = new int[shape.length + 1];
            view[0] = shape[0];
            view[1] = shape[1] / m;
            view[2] = m;
            System.arraycopy(shape, 2, view, 3, shape.length - 2);
            boolean[] grouped = new boolean[view.length];
            grouped[2] = true;
            return Groups.of(view, grouped);
        }
    }
}
