package org.secateur.tensor;

import java.util.Arrays;
import org.secateur.tensor.kernels.Parallel;

/**
 * Primitives that move elements without arithmetic. They come in adjoint pairs, each the other's derivative:
 * reshape/reshape, expand/sumTo, permute/inverse permute, narrow/pad, concat/narrow, indexSelect/indexAdd,
 * gather/scatterAdd.
 */
final class ShapeOps {
    private ShapeOps() {}

    static int[] inferShape(int[] requested, int numel, int[] from) {
        int[] s = requested.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (unknown >= 0) {
                    throw new IllegalArgumentException("reshape to " + Shape.str(requested) + ": only one -1 allowed");
                }
                unknown = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("reshape to " + Shape.str(requested) + ": negative size");
            } else {
                known *= s[i];
            }
        }
        if (unknown >= 0) {
            if (known == 0 || numel % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Shape.str(from) + " to " + Shape.str(requested));
            }
            s[unknown] = (int) (numel / known);
        } else if (known != numel) {
            throw new IllegalArgumentException("cannot reshape " + Shape.str(from) + " (" + numel + " elements) to "
                    + Shape.str(requested) + " (" + known + " elements)");
        }
        return s;
    }

    static int[] checkPermutation(int[] perm, int rank) {
        if (perm.length != rank) {
            throw new IllegalArgumentException("permutation " + Arrays.toString(perm) + " for rank " + rank);
        }
        int[] p = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = Shape.axis(perm[i], rank);
            if (seen[p[i]]) {
                throw new IllegalArgumentException("permutation " + Arrays.toString(perm) + " repeats an axis");
            }
            seen[p[i]] = true;
        }
        return p;
    }

    static void checkIndices(int[] index, int size, String op) {
        for (int i : index) {
            if (i < 0 || i >= size) {
                throw new IndexOutOfBoundsException(op + ": index " + i + " out of range [0, " + size + ")");
            }
        }
    }

    static void checkGather(int[] src, int axis, int[] index, int[] indexShape) {
        if (indexShape.length != src.length) {
            throw new IllegalArgumentException("index shape " + Shape.str(indexShape) + " must have the rank of "
                    + Shape.str(src));
        }
        for (int i = 0; i < src.length; i++) {
            if (i != axis && indexShape[i] != src[i]) {
                throw new IllegalArgumentException("index shape " + Shape.str(indexShape) + " must equal "
                        + Shape.str(src) + " except along axis " + axis);
            }
        }
        if (index.length != Shape.numel(indexShape)) {
            throw new IllegalArgumentException(index.length + " indices for index shape " + Shape.str(indexShape));
        }
        checkIndices(index, src[axis], "gather/scatter");
    }

    private static int prod(int[] s, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= s[i];
        }
        return p;
    }

    /**
     * For each of {@code outer} blocks, copies (or adds) {@code len * inner} elements from position
     * {@code srcStart} along an axis of length {@code srcLen} to position {@code dstStart} along one of length
     * {@code dstLen}.
     */
    private static void blocks(Tensor src, int srcLen, int srcStart, Tensor dst, int dstLen, int dstStart, int len,
                               int outer, int inner, boolean add) {
        int n = len * inner;
        for (int o = 0; o < outer; o++) {
            int s = (o * srcLen + srcStart) * inner;
            int t = (o * dstLen + dstStart) * inner;
            if (src.f() != null) {
                if (add) {
                    for (int i = 0; i < n; i++) {
                        dst.f()[t + i] += src.f()[s + i];
                    }
                } else {
                    System.arraycopy(src.f(), s, dst.f(), t, n);
                }
            } else if (add) {
                for (int i = 0; i < n; i++) {
                    dst.d()[t + i] += src.d()[s + i];
                }
            } else {
                System.arraycopy(src.d(), s, dst.d(), t, n);
            }
        }
    }

    static final class Reshape extends Function {
        private final int[] target;
        private int[] inShape;

        Reshape(int[] target) {
            this.target = target;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            inShape = in[0].shapeRef();
            return Tensor.view(in[0], target);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.reshape(inShape)};
        }
    }

    static Tensor expandForward(Tensor x, int[] target) {
        Tensor r = Tensor.uninitialized(x.dtype(), target);
        Broadcast.forEachRow(target, x.shapeRef(), x.shapeRef(), (ao, as, bo, bs, oo, n) -> {
            if (x.f() != null) {
                if (as == 1) {
                    System.arraycopy(x.f(), ao, r.f(), oo, n);
                } else {
                    Arrays.fill(r.f(), oo, oo + n, x.f()[ao]);
                }
            } else if (as == 1) {
                System.arraycopy(x.d(), ao, r.d(), oo, n);
            } else {
                Arrays.fill(r.d(), oo, oo + n, x.d()[ao]);
            }
        });
        return r;
    }

    static final class Expand extends Function {
        private final int[] target;
        private int[] inShape;

        Expand(int[] target) {
            this.target = target;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            inShape = in[0].shapeRef();
            return expandForward(in[0], target);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.sumTo(inShape)};
        }
    }

    static final class Permute extends Function {
        private final int[] perm;

        Permute(int[] perm) {
            this.perm = perm;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            Tensor x = in[0];
            int[] s = x.shapeRef();
            int r = s.length;
            int[] strides = Shape.strides(s);
            int[] out = new int[r];
            int[] srcStride = new int[r];
            for (int i = 0; i < r; i++) {
                out[i] = s[perm[i]];
                srcStride[i] = strides[perm[i]];
            }
            Tensor y = Tensor.uninitialized(x.dtype(), out);
            int n = y.numel();
            if (n == 0) {
                return y;
            }
            int inner = out[r - 1];
            int step = srcStride[r - 1];
            int[] idx = new int[r];
            int src = 0;
            for (int o = 0; o < n; o += inner) {
                if (x.f() != null) {
                    float[] a = x.f();
                    float[] b = y.f();
                    for (int j = 0; j < inner; j++) {
                        b[o + j] = a[src + j * step];
                    }
                } else {
                    double[] a = x.d();
                    double[] b = y.d();
                    for (int j = 0; j < inner; j++) {
                        b[o + j] = a[src + j * step];
                    }
                }
                for (int dd = r - 2; dd >= 0; dd--) {
                    idx[dd]++;
                    src += srcStride[dd];
                    if (idx[dd] < out[dd]) {
                        break;
                    }
                    src -= srcStride[dd] * out[dd];
                    idx[dd] = 0;
                }
            }
            return y;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            int[] inverse = new int[perm.length];
            for (int i = 0; i < perm.length; i++) {
                inverse[perm[i]] = i;
            }
            return new Tensor[] {g.permute(inverse)};
        }
    }

    static final class Narrow extends Function {
        private final int axis;
        private final int start;
        private final int length;
        private int full;

        Narrow(int axis, int start, int length) {
            this.axis = axis;
            this.start = start;
            this.length = length;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            int[] s = in[0].shapeRef();
            full = s[axis];
            int[] out = s.clone();
            out[axis] = length;
            Tensor y = Tensor.uninitialized(in[0].dtype(), out);
            blocks(in[0], full, start, y, length, 0, length, prod(s, 0, axis), prod(s, axis + 1, s.length), false);
            return y;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.pad(axis, start, full)};
        }
    }

    static final class Pad extends Function {
        private final int axis;
        private final int before;
        private final int total;
        private int length;

        Pad(int axis, int before, int total) {
            this.axis = axis;
            this.before = before;
            this.total = total;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            int[] s = in[0].shapeRef();
            length = s[axis];
            int[] out = s.clone();
            out[axis] = total;
            Tensor y = Tensor.empty(in[0].dtype(), out);
            blocks(in[0], length, 0, y, total, before, length, prod(s, 0, axis), prod(s, axis + 1, s.length), false);
            return y;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.narrow(axis, before, length)};
        }
    }

    static final class Concat extends Function {
        private final int axis;
        private int[] sizes;

        Concat(int axis) {
            this.axis = axis;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            int[] s0 = in[0].shapeRef();
            sizes = new int[in.length];
            int total = 0;
            for (int i = 0; i < in.length; i++) {
                int[] s = in[i].shapeRef();
                in[0].requireSameDtype(in[i]);
                if (s.length != s0.length) {
                    throw new IllegalArgumentException("concat: shapes " + Shape.str(s0) + " and " + Shape.str(s)
                            + " differ in rank");
                }
                for (int a = 0; a < s.length; a++) {
                    if (a != axis && s[a] != s0[a]) {
                        throw new IllegalArgumentException("concat along axis " + axis + ": shapes " + Shape.str(s0)
                                + " and " + Shape.str(s) + " differ elsewhere");
                    }
                }
                sizes[i] = s[axis];
                total += s[axis];
            }
            int[] out = s0.clone();
            out[axis] = total;
            Tensor y = Tensor.uninitialized(in[0].dtype(), out);
            int outer = prod(s0, 0, axis);
            int inner = prod(s0, axis + 1, s0.length);
            int at = 0;
            for (int i = 0; i < in.length; i++) {
                blocks(in[i], sizes[i], 0, y, total, at, sizes[i], outer, inner, false);
                at += sizes[i];
            }
            return y;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor[] out = new Tensor[sizes.length];
            int at = 0;
            for (int i = 0; i < sizes.length; i++) {
                out[i] = needsGrad(i) ? g.narrow(axis, at, sizes[i]) : null;
                at += sizes[i];
            }
            return out;
        }
    }

    static final class IndexSelect extends Function {
        private final int axis;
        private final int[] index;
        private int size;

        IndexSelect(int axis, int[] index) {
            this.axis = axis;
            this.index = index;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            int[] s = in[0].shapeRef();
            size = s[axis];
            int[] out = s.clone();
            out[axis] = index.length;
            Tensor y = Tensor.uninitialized(in[0].dtype(), out);
            int outer = prod(s, 0, axis);
            int inner = prod(s, axis + 1, s.length);
            // slices are copied in parallel when large (a batch gathered from a whole dataset in memory: random rows
            // far apart, so the copy waits on memory, and two threads keep twice the loads in flight)
            Parallel.forRange(index.length, Math.max(1, Elementwise.PARALLEL_GRAIN / Math.max(1, outer * inner)),
                    (i0, i1) -> {
                        for (int i = i0; i < i1; i++) {
                            blocks(in[0], size, index[i], y, index.length, i, 1, outer, inner, false);
                        }
                    });
            return y;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.indexAdd(axis, index, size)};
        }
    }

    static final class IndexAdd extends Function {
        private final int axis;
        private final int[] index;
        private final int size;

        IndexAdd(int axis, int[] index, int size) {
            this.axis = axis;
            this.index = index;
            this.size = size;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            int[] s = in[0].shapeRef();
            int[] out = s.clone();
            out[axis] = size;
            Tensor y = Tensor.empty(in[0].dtype(), out);
            int outer = prod(s, 0, axis);
            int inner = prod(s, axis + 1, s.length);
            for (int i = 0; i < index.length; i++) {
                blocks(in[0], index.length, i, y, size, index[i], 1, outer, inner, true);
            }
            return y;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.indexSelect(axis, index)};
        }
    }

    /** Moves elements between a source of shape {@code src} and an index-shaped tensor, by index along an axis. */
    private static void gatherScatter(Tensor source, int[] src, int axis, int[] index, int[] idxShape, Tensor small,
                                      boolean gather) {
        int outer = prod(idxShape, 0, axis);
        int iLen = idxShape[axis];
        int inner = prod(idxShape, axis + 1, idxShape.length);
        int sLen = src[axis];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < iLen; i++) {
                int p = (o * iLen + i) * inner;
                for (int j = 0; j < inner; j++) {
                    int q = (o * sLen + index[p + j]) * inner + j;
                    if (source.f() != null) {
                        if (gather) {
                            small.f()[p + j] = source.f()[q];
                        } else {
                            source.f()[q] += small.f()[p + j];
                        }
                    } else if (gather) {
                        small.d()[p + j] = source.d()[q];
                    } else {
                        source.d()[q] += small.d()[p + j];
                    }
                }
            }
        }
    }

    static final class Gather extends Function {
        private final int axis;
        private final int[] index;
        private final int[] indexShape;
        private int[] src;

        Gather(int axis, int[] index, int[] indexShape) {
            this.axis = axis;
            this.index = index;
            this.indexShape = indexShape;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            src = in[0].shapeRef();
            Tensor y = Tensor.uninitialized(in[0].dtype(), indexShape);
            gatherScatter(in[0], src, axis, index, indexShape, y, true);
            return y;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.scatterAdd(axis, index, src)};
        }
    }

    static final class ScatterAdd extends Function {
        private final int axis;
        private final int[] index;
        private final int[] target;
        private int[] indexShape;

        ScatterAdd(int axis, int[] index, int[] target) {
            this.axis = axis;
            this.index = index;
            this.target = target;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            indexShape = in[0].shapeRef();
            Tensor y = Tensor.empty(in[0].dtype(), target);
            gatherScatter(y, target, axis, index, indexShape, in[0], false);
            return y;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.gather(axis, index, indexShape)};
        }
    }

    static final class Cast extends Function {
        private final DType target;
        private DType source;

        Cast(DType target) {
            this.target = target;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            source = in[0].dtype();
            Tensor y = Tensor.uninitialized(target, in[0].shapeRef().clone());
            for (int i = 0, n = y.numel(); i < n; i++) {
                y.setFlat(i, in[0].getFlat(i));
            }
            return y;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.to(source)};
        }
    }
}
