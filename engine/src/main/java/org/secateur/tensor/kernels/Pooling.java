package org.secateur.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max pooling with a {@code 2 x 2} window and stride 2 (LeNet's and most CNNs'), over runs of {@code h x w} planes:
 * the forward writes each window's maximum and the in-plane index of its first maximum (in window order, NaN
 * counting as the maximum, as {@link Kernels#max}); the backward ("unpool") writes each gradient to its window's
 * winner and zero to the other three positions, which, the windows tiling the plane, needs no zeroed output and no
 * scatter. {@link #maxPool2x2Scalar} and {@link #unpool2x2Scalar} are the references; the vector versions
 * de-interleave even and odd columns with two-source lane permutations and choose with masks, so they never branch
 * on the data (a scalar loop mispredicts about one branch in two on random input). Planes whose output rows fill at
 * most half a vector (LeNet-5's second pooling: 10 x 10 to 5 x 5) are pooled a vector of outputs at a time across
 * rows and planes, by gathers, and unpooled by the reference's fill and scatter: row by row they would use a third
 * of the lanes (1 thread, 128 x 16 planes: forward 0.185 to 0.13 ms, forward and backward 0.39 to 0.24 ms).
 *
 * <p>With {@code relu} the forward pools {@code max(x, 0)} instead (ReLU as {@link UnaryOp#RELU} defines it, NaN
 * becoming 0), the max pooling of a ReLU in one pass, and a window whose maximum is not positive gets index -1: its
 * winner's ReLU has derivative 0, so the backward gives the whole window zero, which is the composition's gradient.
 */
public final class Pooling {
    private Pooling() {}

    private static final boolean SIMD = KernelSelector.KERNELS != KernelSelector.SCALAR;

    /**
     * Pools {@code planes} consecutive planes from {@code x[xo...]} into {@code y[yo...]} (planes of
     * {@code h/2 x w/2}), in-plane indices into {@code arg[ao...]}. Planes with narrow outputs (at most half a
     * vector per row) are pooled across rows and planes, a vector of outputs at a time, by gathers.
     */
    public static void maxPool2x2(float[] x, int xo, int planes, int h, int w, float[] y, int yo, int[] arg, int ao,
            boolean relu) {
        int hw = h * w;
        int ohw = (h / 2) * (w / 2);
        int done = SIMD ? Simd.maxPoolNarrow(x, xo, planes, h, w, y, yo, arg, ao, relu) : 0;
        for (int p = done; p < planes; p++) {
            if (SIMD) {
                Simd.maxPool(x, xo + p * hw, h, w, y, yo + p * ohw, arg, ao + p * ohw, relu);
            } else {
                maxPool2x2Scalar(x, xo + p * hw, h, w, y, yo + p * ohw, arg, ao + p * ohw, relu);
            }
        }
    }

    /**
     * The gradient of {@code planes} planes of {@link #maxPool2x2}: {@code gx[xo...]} (planes of {@code h x w}) gets
     * {@code gy} at each window's winner {@code arg} and zero elsewhere (including a last row or column no window
     * covers, and the whole window when its index is -1). Narrow planes (as in {@link #maxPool2x2}) are zeroed and
     * scattered to, which beats a vector kernel that would fill a fraction of its lanes.
     */
    public static void unpool2x2(float[] gy, int yo, int[] arg, int ao, int planes, int h, int w, float[] gx, int xo) {
        int hw = h * w;
        int ohw = (h / 2) * (w / 2);
        boolean vector = SIMD && !Simd.narrow(w);
        for (int p = 0; p < planes; p++) {
            if (vector) {
                Simd.unpool(gy, yo + p * ohw, arg, ao + p * ohw, h, w, gx, xo + p * hw);
            } else {
                unpool2x2Scalar(gy, yo + p * ohw, arg, ao + p * ohw, h, w, gx, xo + p * hw);
            }
        }
    }

    /**
     * The reference forward: window order (0,0), (0,1), (1,0), (1,1); the first maximum wins, NaN wins and stays.
     * With {@code relu}, of {@code max(x, 0)}, and index -1 where the maximum is not positive.
     */
    public static void maxPool2x2Scalar(float[] x, int xo, int h, int w, float[] y, int yo, int[] arg, int ao,
            boolean relu) {
        int oh = h / 2;
        int ow = w / 2;
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int i0 = 2 * oy * w + 2 * ox;
                int[] cand = {i0, i0 + 1, i0 + w, i0 + w + 1};
                float best = relu ? relu(x[xo + i0]) : x[xo + i0];
                int bestIdx = i0;
                for (int c = 1; c < 4 && !Float.isNaN(best); c++) {
                    float v = relu ? relu(x[xo + cand[c]]) : x[xo + cand[c]];
                    if (v > best || Float.isNaN(v)) {
                        best = v;
                        bestIdx = cand[c];
                    }
                }
                y[yo + oy * ow + ox] = best;
                arg[ao + oy * ow + ox] = relu && !(best > 0) ? -1 : bestIdx;
            }
        }
    }

    /** The reference backward. */
    public static void unpool2x2Scalar(float[] gy, int yo, int[] arg, int ao, int h, int w, float[] gx, int xo) {
        java.util.Arrays.fill(gx, xo, xo + h * w, 0f);
        int n = (h / 2) * (w / 2);
        for (int i = 0; i < n; i++) {
            if (arg[ao + i] >= 0) {
                gx[xo + arg[ao + i]] = gy[yo + i];
            }
        }
    }

    private static float relu(float v) {
        return (float) UnaryOp.RELU.apply(v);
    }

    /** The vector loops; a nested class so that nothing touches a vector type without the incubator module. */
    private static final class Simd {
        private static final VectorSpecies<Float> F = PanamaKernels.F;
        private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
        private static final int L = F.length();
        private static final VectorShuffle<Float> EVEN = shuffle(0, false);
        private static final VectorShuffle<Float> ODD = shuffle(1, false);
        /** Lane {@code j} of the first input goes to output lane {@code 2j}, of the second to {@code 2j+1}. */
        private static final VectorShuffle<Float> INTERLEAVE_LO = shuffle(0, true);
        private static final VectorShuffle<Float> INTERLEAVE_HI = shuffle(1, true);
        private static final int[] TWICE = new int[L];

        static {
            for (int j = 0; j < L; j++) {
                TWICE[j] = 2 * j;
            }
        }

        private static VectorShuffle<Float> shuffle(int part, boolean interleave) {
            int[] idx = new int[L];
            for (int j = 0; j < L; j++) {
                if (interleave) {
                    int k = part * L + j;                  // output element k of the pair (lo, hi)
                    idx[j] = (k % 2 == 0 ? 0 : L) + k / 2;  // from the evens (first) or the odds (second)
                } else {
                    idx[j] = 2 * j + part;                 // even (part 0) or odd (part 1) element of the pair
                }
            }
            return VectorShuffle.fromArray(F, idx, 0);
        }

        /** Whether output rows of planes {@code w} wide fill at most half a vector. */
        static boolean narrow(int w) {
            return w / 2 <= L / 2;
        }

        /**
         * Pools whole blocks of planes whose outputs make whole vectors (16 planes of 5 x 5 for 16 lanes), each
         * vector of outputs from four gathers (the window's four corners) through offset tables built here; returns
         * the number of planes done (the rest, fewer than a block, or all when the planes are not narrow or have
         * many outputs, are left to the row kernel). The same choices as {@link #maxPool}, so the same bits.
         */
        static int maxPoolNarrow(float[] x, int xo, int planes, int h, int w, float[] y, int yo, int[] arg, int ao,
                boolean relu) {
            int ow = w / 2;
            int ohw = (h / 2) * ow;
            if (!narrow(w) || ohw == 0) {
                return 0;
            }
            int period = L / gcd(L, ohw);                 // planes per block
            int span = period * ohw;                      // outputs per block: a multiple of L
            int blocks = planes / period;
            if (blocks == 0 || span > 4096) {
                return 0;
            }
            int[] src = new int[span];                    // window corner, from the block's first plane
            int[] at = new int[span];                     // window corner, in its plane
            for (int q = 0; q < span; q++) {
                int rem = q % ohw;
                at[q] = 2 * (rem / ow) * w + 2 * (rem % ow);
                src[q] = q / ohw * h * w + at[q];
            }
            FloatVector zero = FloatVector.zero(F);
            IntVector none = IntVector.broadcast(I, -1);
            for (int b = 0; b < blocks; b++) {
                int xb = xo + b * period * h * w;
                int ob = b * span;
                // the take-over test is written out three times, as in maxPool, and so is the ReLU: a helper returning
                // the mask was not inlined in every caller, and its boxed vectors slowed the row kernel 2.5x (a ReLU
                // helper was not inlined either: its own frames showed in a profile)
                for (int v = 0; v < span; v += L) {
                    IntVector i00 = IntVector.fromArray(I, at, v);
                    FloatVector best = FloatVector.fromArray(F, x, xb, src, v);
                    FloatVector c01 = FloatVector.fromArray(F, x, xb + 1, src, v);
                    FloatVector c10 = FloatVector.fromArray(F, x, xb + w, src, v);
                    FloatVector c11 = FloatVector.fromArray(F, x, xb + w + 1, src, v);
                    if (relu) {
                        best = zero.blend(best, best.compare(VectorOperators.GT, zero));
                        c01 = zero.blend(c01, c01.compare(VectorOperators.GT, zero));
                        c10 = zero.blend(c10, c10.compare(VectorOperators.GT, zero));
                        c11 = zero.blend(c11, c11.compare(VectorOperators.GT, zero));
                    }
                    IntVector idx = i00;
                    FloatVector c = c01;
                    VectorMask<Float> take = c.compare(VectorOperators.GT, best).or(c.test(VectorOperators.IS_NAN))
                            .andNot(best.test(VectorOperators.IS_NAN));
                    best = best.blend(c, take);
                    idx = idx.blend(i00.add(1), take.cast(I));
                    c = c10;
                    take = c.compare(VectorOperators.GT, best).or(c.test(VectorOperators.IS_NAN))
                            .andNot(best.test(VectorOperators.IS_NAN));
                    best = best.blend(c, take);
                    idx = idx.blend(i00.add(w), take.cast(I));
                    c = c11;
                    take = c.compare(VectorOperators.GT, best).or(c.test(VectorOperators.IS_NAN))
                            .andNot(best.test(VectorOperators.IS_NAN));
                    best = best.blend(c, take);
                    idx = idx.blend(i00.add(w + 1), take.cast(I));
                    if (relu) {
                        idx = idx.blend(none, best.compare(VectorOperators.GT, zero).not().cast(I));
                    }
                    best.intoArray(y, yo + ob + v);
                    idx.intoArray(arg, ao + ob + v);
                }
            }
            return blocks * period;
        }

        private static int gcd(int a, int b) {
            return b == 0 ? a : gcd(b, a % b);
        }

        static void maxPool(float[] x, int xo, int h, int w, float[] y, int yo, int[] arg, int ao, boolean relu) {
            int oh = h / 2;
            int ow = w / 2;
            IntVector twice = IntVector.fromArray(I, TWICE, 0);
            FloatVector zero = FloatVector.zero(F);
            IntVector none = IntVector.broadcast(I, -1);
            for (int oy = 0; oy < oh; oy++) {
                int r0 = 2 * oy * w;
                for (int ox = 0; ox < ow; ox += L) {
                    int cols = 2 * Math.min(L, ow - ox);
                    int s0 = xo + r0 + 2 * ox;
                    int s1 = s0 + w;
                    FloatVector a0, a1, b0, b1;
                    if (s1 + 2 * L <= x.length) {
                        // whole vectors (masked loads cost more): lanes past the window pair only feed output
                        // lanes that are not stored, or are overwritten by the next row
                        a0 = FloatVector.fromArray(F, x, s0);
                        a1 = FloatVector.fromArray(F, x, s0 + L);
                        b0 = FloatVector.fromArray(F, x, s1);
                        b1 = FloatVector.fromArray(F, x, s1 + L);
                    } else {
                        VectorMask<Float> m0 = PanamaKernels.firstLanes(cols);
                        VectorMask<Float> m1 = PanamaKernels.firstLanes(cols - L);
                        a0 = FloatVector.fromArray(F, x, s0, m0);
                        a1 = FloatVector.fromArray(F, x, s0 + L, m1);
                        b0 = FloatVector.fromArray(F, x, s1, m0);
                        b1 = FloatVector.fromArray(F, x, s1 + L, m1);
                    }
                    if (relu) {
                        a0 = zero.blend(a0, a0.compare(VectorOperators.GT, zero));
                        a1 = zero.blend(a1, a1.compare(VectorOperators.GT, zero));
                        b0 = zero.blend(b0, b0.compare(VectorOperators.GT, zero));
                        b1 = zero.blend(b1, b1.compare(VectorOperators.GT, zero));
                    }
                    IntVector i00 = twice.add(r0 + 2 * ox);
                    FloatVector best = a0.rearrange(EVEN, a1);
                    IntVector idx = i00;
                    FloatVector v = a0.rearrange(ODD, a1);
                    VectorMask<Float> take = v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN))
                            .andNot(best.test(VectorOperators.IS_NAN));
                    best = best.blend(v, take);
                    idx = idx.blend(i00.add(1), take.cast(I));
                    v = b0.rearrange(EVEN, b1);
                    take = v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN))
                            .andNot(best.test(VectorOperators.IS_NAN));
                    best = best.blend(v, take);
                    idx = idx.blend(i00.add(w), take.cast(I));
                    v = b0.rearrange(ODD, b1);
                    take = v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN))
                            .andNot(best.test(VectorOperators.IS_NAN));
                    best = best.blend(v, take);
                    idx = idx.blend(i00.add(w + 1), take.cast(I));
                    if (relu) {
                        idx = idx.blend(none, best.compare(VectorOperators.GT, zero).not().cast(I));
                    }
                    if (yo + oy * ow + ox + L <= yo + oh * ow) {
                        // whole vectors: what spills past this row is overwritten by the next row of the plane
                        best.intoArray(y, yo + oy * ow + ox);
                        idx.intoArray(arg, ao + oy * ow + ox);
                    } else {
                        VectorMask<Float> out = PanamaKernels.firstLanes(cols / 2);
                        best.intoArray(y, yo + oy * ow + ox, out);
                        idx.intoArray(arg, ao + oy * ow + ox, out.cast(I));
                    }
                }
            }
        }

        static void unpool(float[] gy, int yo, int[] arg, int ao, int h, int w, float[] gx, int xo) {
            int oh = h / 2;
            int ow = w / 2;
            IntVector twice = IntVector.fromArray(I, TWICE, 0);
            FloatVector zero = FloatVector.zero(F);
            for (int oy = 0; oy < oh; oy++) {
                int r0 = 2 * oy * w;
                for (int ox = 0; ox < ow; ox += L) {
                    int n = Math.min(L, ow - ox);
                    FloatVector g;
                    IntVector a;
                    int at = oy * ow + ox;
                    if (yo + at + L <= gy.length && ao + at + L <= arg.length) {
                        // whole vectors: lanes past n are stored masked or overwritten by the next row
                        g = FloatVector.fromArray(F, gy, yo + at);
                        a = IntVector.fromArray(I, arg, ao + at);
                    } else {
                        VectorMask<Float> in = PanamaKernels.firstLanes(n);
                        g = FloatVector.fromArray(F, gy, yo + at, in);
                        a = IntVector.fromArray(I, arg, ao + at, in.cast(I));
                    }
                    IntVector i00 = twice.add(r0 + 2 * ox);
                    FloatVector g00 = zero.blend(g, a.compare(VectorOperators.EQ, i00).cast(F));
                    FloatVector g01 = zero.blend(g, a.compare(VectorOperators.EQ, i00.add(1)).cast(F));
                    FloatVector g10 = zero.blend(g, a.compare(VectorOperators.EQ, i00.add(w)).cast(F));
                    FloatVector g11 = zero.blend(g, a.compare(VectorOperators.EQ, i00.add(w + 1)).cast(F));
                    int d0 = xo + r0 + 2 * ox;
                    int d1 = d0 + w;
                    // A whole chunk fills exactly 2L columns of each row. A partial one spills past its rows: harmless
                    // when each row is one chunk (the spill lands on the next row, written after it) and the spill
                    // stays in this plane; otherwise stored masked.
                    FloatVector lo0 = g00.rearrange(INTERLEAVE_LO, g01);
                    FloatVector hi0 = g00.rearrange(INTERLEAVE_HI, g01);
                    FloatVector lo1 = g10.rearrange(INTERLEAVE_LO, g11);
                    FloatVector hi1 = g10.rearrange(INTERLEAVE_HI, g11);
                    if (n == L || (ow <= L && d1 + 2 * L <= xo + h * w)) {
                        lo0.intoArray(gx, d0);
                        hi0.intoArray(gx, d0 + L);
                        lo1.intoArray(gx, d1);
                        hi1.intoArray(gx, d1 + L);
                    } else {
                        VectorMask<Float> m0 = PanamaKernels.firstLanes(2 * n);
                        VectorMask<Float> m1 = PanamaKernels.firstLanes(2 * n - L);
                        lo0.intoArray(gx, d0, m0);
                        hi0.intoArray(gx, d0 + L, m1);
                        lo1.intoArray(gx, d1, m0);
                        hi1.intoArray(gx, d1 + L, m1);
                    }
                }
                if ((w & 1) != 0) {
                    gx[xo + r0 + w - 1] = 0f;
                    gx[xo + r0 + 2 * w - 1] = 0f;
                }
            }
            if ((h & 1) != 0) {
                java.util.Arrays.fill(gx, xo + (h - 1) * w, xo + h * w, 0f);
            }
        }
    }
}
