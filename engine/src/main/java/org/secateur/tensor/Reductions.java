package org.secateur.tensor;

import org.secateur.tensor.kernels.Kernels;
import org.secateur.tensor.kernels.Parallel;

/** Reductions: sum over any axes and maximum along one axis. */
final class Reductions {
    private Reductions() {}

    private static final Kernels K = Kernels.get();

    /** {@code shape} with {@code axes} (sorted) removed, or set to 1 when {@code keepDim}. */
    static int[] reducedShape(int[] shape, int[] axes, boolean keepDim) {
        int[] out = new int[keepDim ? shape.length : shape.length - axes.length];
        for (int i = 0, j = 0, k = 0; i < shape.length; i++) {
            boolean reduced = k < axes.length && axes[k] == i;
            if (reduced) {
                k++;
                if (keepDim) {
                    out[j++] = 1;
                }
            } else {
                out[j++] = shape[i];
            }
        }
        return out;
    }

    private static int prod(int[] s, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= s[i];
        }
        return p;
    }

    /** Sum over a sorted set of axes. Its adjoint is a broadcast. */
    static final class Sum extends Function {
        private final int[] axes;
        private final boolean keepDim;
        private int[] inShape;

        Sum(int[] axes, boolean keepDim) {
            this.axes = axes;
            this.keepDim = keepDim;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            Tensor x = in[0];
            inShape = x.shapeRef();
            int[] cur = inShape.clone();
            Tensor t = x;
            // Reduce each run of consecutive axes as one [outer, r, inner] pass, last run first.
            int end = axes.length - 1;
            while (end >= 0) {
                int start = end;
                while (start > 0 && axes[start - 1] == axes[start] - 1) {
                    start--;
                }
                int a0 = axes[start];
                int a1 = axes[end];
                int outer = prod(cur, 0, a0);
                int r = prod(cur, a0, a1 + 1);
                int inner = prod(cur, a1 + 1, cur.length);
                for (int i = a0; i <= a1; i++) {
                    cur[i] = 1;
                }
                Tensor next = Tensor.uninitialized(x.dtype(), cur.clone());
                Tensor src = t;
                // rows of the output split over threads: each element's sum is the same on any split
                int grain = (int) Math.max(1, (1L << 16) / Math.max(1L, (long) r * inner));
                Parallel.forRange(outer, grain, (o0, o1) -> {
                    if (x.f() != null) {
                        K.sum(src.f(), o0 * r * inner, o1 - o0, r, inner, next.f(), o0 * inner);
                    } else {
                        K.sum(src.d(), o0 * r * inner, o1 - o0, r, inner, next.d(), o0 * inner);
                    }
                });
                t = next;
                end = start - 1;
            }
            int[] outShape = reducedShape(inShape, axes, keepDim);
            return t == x ? Tensor.view(x, outShape).copy() : Tensor.view(t, outShape);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.reshape(reducedShape(inShape, axes, true)).expand(inShape)};
        }
    }

    /** Maximum along one axis; the gradient goes to the first maximum, selected by a constant one-hot mask. */
    static final class Max extends Function {
        private final int axis;
        private final boolean keepDim;
        private int[] inShape;
        private int[] arg;
        private DType dtype;

        Max(int axis, boolean keepDim) {
            this.axis = axis;
            this.keepDim = keepDim;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            Tensor x = in[0];
            if (x.size(axis) == 0) {
                throw new IllegalArgumentException("max over empty axis " + axis + " of shape " + Shape.str(x.shapeRef()));
            }
            inShape = x.shapeRef();
            dtype = x.dtype();
            int outer = prod(inShape, 0, axis);
            int r = inShape[axis];
            int inner = prod(inShape, axis + 1, inShape.length);
            arg = new int[outer * inner];
            Tensor out = Tensor.uninitialized(dtype, reducedShape(inShape, new int[] {axis}, keepDim));
            if (x.f() != null) {
                K.max(x.f(), outer, r, inner, out.f(), arg);
            } else {
                K.max(x.d(), outer, r, inner, out.d(), arg);
            }
            return out;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            int outer = prod(inShape, 0, axis);
            int r = inShape[axis];
            int inner = prod(inShape, axis + 1, inShape.length);
            Tensor mask = Tensor.zeros(dtype, inShape);
            for (int o = 0; o < outer; o++) {
                for (int j = 0; j < inner; j++) {
                    mask.setFlat((o * r + arg[o * inner + j]) * inner + j, 1);
                }
            }
            return new Tensor[] {mask.mul(g.reshape(reducedShape(inShape, new int[] {axis}, true)))};
        }
    }
}
