package org.secateur.tensor;

import org.secateur.tensor.kernels.Parallel;

/**
 * Walks two operands broadcast to an output shape as a sequence of rows: within a row each operand either steps
 * by one element or repeats one value, so a contiguous kernel handles the row. Adjacent dimensions that step
 * together are merged first, so the common cases (equal shapes, a scalar, a bias row) are one or a few long rows.
 */
final class Broadcast {
    private Broadcast() {}

    @FunctionalInterface
    interface RowVisitor {
        void row(int aOff, int aStep, int bOff, int bStep, int outOff, int n);
    }

    static void forEachRow(int[] out, int[] a, int[] b, RowVisitor v) {
        int r = out.length;
        if (r == 0) {
            v.row(0, 0, 0, 0, 0, 1);
            return;
        }
        int[] sa = alignedStrides(a, out);
        int[] sb = alignedStrides(b, out);
        // Merge dimension i into i+1 when every operand's stride continues across the boundary.
        int[] dims = new int[r];
        int[] da = new int[r];
        int[] db = new int[r];
        int m = 0;
        for (int i = 0; i < r; i++) {
            if (out[i] == 1) {
                continue;
            }
            if (m > 0 && mergeable(da[m - 1], sa[i], out[i]) && mergeable(db[m - 1], sb[i], out[i])) {
                dims[m - 1] *= out[i];
                da[m - 1] = sa[i];
                db[m - 1] = sb[i];
            } else {
                dims[m] = out[i];
                da[m] = sa[i];
                db[m] = sb[i];
                m++;
            }
        }
        if (m == 0) {
            v.row(0, 0, 0, 0, 0, 1);
            return;
        }
        int inner = dims[m - 1];
        int aStep = da[m - 1];
        int bStep = db[m - 1];
        int outer = 1;
        for (int i = 0; i < m - 1; i++) {
            outer *= dims[i];
        }
        int merged = m;
        // rows over threads: each visit writes its own row of the output, so the split changes no result
        Parallel.forRange(outer, Math.max(1, Elementwise.PARALLEL_GRAIN / Math.max(1, inner)),
                (o0, o1) -> visitRows(o0, o1, merged, dims, da, db, inner, aStep, bStep, v));
    }

    /** Visits rows {@code [o0, o1)}: the outer index of {@code o0} by mixed radix, then an odometer. */
    private static void visitRows(int o0, int o1, int m, int[] dims, int[] da, int[] db, int inner, int aStep,
                                  int bStep, RowVisitor v) {
        int[] idx = new int[Math.max(0, m - 1)];
        int aOff = 0;
        int bOff = 0;
        for (int d = m - 2, rem = o0; d >= 0; d--) {
            idx[d] = rem % dims[d];
            rem /= dims[d];
            aOff += idx[d] * da[d];
            bOff += idx[d] * db[d];
        }
        for (int o = o0; o < o1; o++) {
            v.row(aOff, aStep, bOff, bStep, o * inner, inner);
            // odometer over the outer dimensions
            for (int d = m - 2; d >= 0; d--) {
                idx[d]++;
                aOff += da[d];
                bOff += db[d];
                if (idx[d] < dims[d]) {
                    break;
                }
                aOff -= da[d] * dims[d];
                bOff -= db[d] * dims[d];
                idx[d] = 0;
            }
        }
    }

    /** True when a dimension with stride {@code outerStride} can absorb the next one (stride {@code s}, size n). */
    private static boolean mergeable(int outerStride, int s, int n) {
        return outerStride == s * n;
    }

    /** Strides of {@code shape} right-aligned to {@code out}, 0 where it is broadcast. */
    static int[] alignedStrides(int[] shape, int[] out) {
        int r = out.length;
        int off = r - shape.length;
        int[] s = new int[r];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i + off] = shape[i] == 1 ? 0 : acc;
            acc *= shape[i];
        }
        return s;
    }
}
