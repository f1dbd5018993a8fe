package org.secateur.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * im2col and col2im, a row of the patch matrix at a time, for a block of samples side by side so that one GEMM
 * covers them all (a convolution's per-sample GEMMs are too small to reach the micro-kernel's rate: LeNet-5's second
 * layer is {@code [16 x 150] . [150 x 100]}). With a horizontal stride of 1 the part of an output row that lies
 * inside the image is one contiguous run of the input row, so each run is moved with vector loads and stores (a
 * masked one for the tail) instead of an element-by-element gather through an index map; other strides fall back to
 * a strided loop. The index-map version in {@code org.secateur.tensor.Im2Col} is the reference: both produce the
 * same bits, and col2im adds contributions to each input element in the same (row-major) order.
 *
 * <p>Geometry: {@code channels x h x w} input, {@code kh x kw} kernel, strides {@code sh, sw}, zero padding
 * {@code ph, pw}, dilation {@code dh, dw}, output {@code oh x ow}; a sample's patch matrix is
 * {@code [channels*kh*kw, oh*ow]} with rows ordered {@code (c, ki, kj)}.
 */
public final class Patches {
    private Patches() {}

    /** Whether the Vector API is in use (without it, this class must not touch a vector type). */
    private static final boolean SIMD = KernelSelector.KERNELS != KernelSelector.SCALAR;

    /** The geometry of one convolution, flattened for the loops. */
    public record Geometry(int channels, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
                           int oh, int ow) {
        int rows() {
            return channels * kh * kw;
        }
    }

    /** Floats of room a destination should have past the patch matrix for the fastest copies (see {@link #im2col}). */
    public static final int SLACK = 64;

    /**
     * Writes the patch matrices of {@code samples} consecutive samples, the first at {@code x[xo ...]}, side by side
     * to {@code cols[co ...]}: row {@code r} of sample {@code q} at {@code co + r * samples * positions + q *
     * positions}, so that the block is one {@code [rows, samples * positions]} matrix for a single GEMM over the
     * samples. Padding reads {@code pad}. When {@code cols} has {@link #SLACK} floats of room past the block, rows are
     * written with whole vectors whose spill past the end of a row is overwritten by the next row written (the same
     * row of the next sample, or the next row of the first; or lands in the room), and no masked store is needed.
     */
    public static void im2col(Geometry g, float[] x, int xo, int samples, float[] cols, int co, float pad) {
        int positions = g.oh * g.ow;
        int ld = samples * positions;
        int sampleSize = g.channels * g.h * g.w;
        boolean spill = SIMD && g.sw == 1 && cols.length >= co + g.rows() * ld + SLACK;
        int r = 0;
        for (int c = 0; c < g.channels; c++) {
            for (int ki = 0; ki < g.kh; ki++) {
                // output rows whose input row is inside the image: [oyLo, oyHi)
                int iy0 = ki * g.dh - g.ph;
                int oyLo = Math.min(g.oh, Math.max(0, ceilDiv(-iy0, g.sh)));
                int oyHi = Math.max(oyLo, Math.min(g.oh, ceilDiv(g.h - iy0, g.sh)));
                for (int kj = 0; kj < g.kw; kj++, r++) {
                    int ix0 = kj * g.dw - g.pw;                     // input column of output column 0
                    int oxLo = Math.min(g.ow, Math.max(0, ceilDiv(-ix0, g.sw)));
                    int oxHi = Math.max(oxLo, Math.min(g.ow, ceilDiv(g.w - ix0, g.sw)));
                    for (int q = 0; q < samples; q++) {
                        sampleRow(g, x, xo + q * sampleSize + (c * g.h + oyLo * g.sh + iy0) * g.w + ix0 + oxLo * g.sw,
                                cols, co + r * ld + q * positions, oyLo, oyHi, oxLo, oxHi, spill, pad);
                    }
                }
            }
        }
    }

    /**
     * Row {@code (c, ki, kj)} of one sample's patch matrix at {@code cols[row ...]}: output rows {@code [oyLo, oyHi)}
     * and columns {@code [oxLo, oxHi)} read the input from {@code x[src ...]}, the rest is padding.
     */
    private static void sampleRow(Geometry g, float[] x, int src, float[] cols, int row, int oyLo, int oyHi, int oxLo,
                                  int oxHi, boolean spill, float pad) {
        int n = oxHi - oxLo;
        // rows above the image: padding, one contiguous stretch (those below: after the copies, whose spill may
        // reach them)
        fill(cols, row, oyLo * g.ow, pad);
        int dst = row + oyLo * g.ow + oxLo;
        int srcStep = g.sh * g.w;
        if (spill && oxLo == 0 && oxHi == g.ow && n <= Simd.L
                && src + (oyHi - oyLo - 1) * srcStep + Simd.L <= x.length) {
            // the common case: each output row one vector, no horizontal padding
            Simd.copyRows(x, src, srcStep, cols, dst, g.ow, oyHi - oyLo);
            fill(cols, row + oyHi * g.ow, (g.oh - oyHi) * g.ow, pad);
            return;
        }
        for (int oy = oyLo; oy < oyHi; oy++, src += srcStep, dst += g.ow) {
            if (g.sw != 1) {
                for (int ox = 0; ox < n; ox++) {
                    cols[dst + ox] = x[src + ox * g.sw];
                }
            } else if (spill && src + n + Simd.L <= x.length) {
                Simd.copySpill(x, src, cols, dst, n);
            } else {
                copy(x, src, cols, dst, n);
            }
            // after the copy: its spill may cover the padding on the right
            for (int ox = oxLo - 1; ox >= 0; ox--) {
                cols[dst - oxLo + ox] = pad;
            }
            for (int ox = oxHi; ox < g.ow; ox++) {
                cols[dst - oxLo + ox] = pad;
            }
        }
        fill(cols, row + oyHi * g.ow, (g.oh - oyHi) * g.ow, pad);
    }

    /**
     * Adds the patch matrices of {@code samples} consecutive samples, laid out side by side as {@link #im2col} writes
     * them, back into the samples from {@code x[xo ...]} (col2im); each input element receives its contributions in
     * row order.
     */
    public static void col2im(Geometry g, float[] cols, int co, int samples, float[] x, int xo) {
        int positions = g.oh * g.ow;
        int ld = samples * positions;
        int sampleSize = g.channels * g.h * g.w;
        if (SIMD && g.sh == 1 && g.sw == 1) {
            for (int q = 0; q < samples; q++) {
                Simd.col2imGather(g, cols, co + q * positions, ld, x, xo + q * sampleSize);
            }
            return;
        }
        int r = 0;
        for (int c = 0; c < g.channels; c++) {
            for (int ki = 0; ki < g.kh; ki++) {
                int iy0 = ki * g.dh - g.ph;
                int oyLo = Math.min(g.oh, Math.max(0, ceilDiv(-iy0, g.sh)));
                int oyHi = Math.max(oyLo, Math.min(g.oh, ceilDiv(g.h - iy0, g.sh)));
                for (int kj = 0; kj < g.kw; kj++, r++) {
                    int ix0 = kj * g.dw - g.pw;
                    int oxLo = Math.min(g.ow, Math.max(0, ceilDiv(-ix0, g.sw)));
                    int oxHi = Math.max(oxLo, Math.min(g.ow, ceilDiv(g.w - ix0, g.sw)));
                    int n = oxHi - oxLo;
                    int dstStep = g.sh * g.w;
                    for (int q = 0; q < samples; q++) {
                        int src = co + r * ld + q * positions + oyLo * g.ow + oxLo;
                        int dst = xo + q * sampleSize + (c * g.h + oyLo * g.sh + iy0) * g.w + ix0 + oxLo * g.sw;
                        if (g.sw == 1) {
                            addRows(cols, src, g.ow, x, dst, dstStep, n, oyHi - oyLo);
                        } else {
                            for (int oy = oyLo; oy < oyHi; oy++, src += g.ow, dst += dstStep) {
                                for (int ox = 0; ox < n; ox++) {
                                    x[dst + ox * g.sw] += cols[src + ox];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** {@code d[dOff + i*dStep + j] += s[so + i*sStep + j]} for {@code i < count}, {@code j < n}. */
    private static void addRows(float[] s, int so, int sStep, float[] d, int dOff, int dStep, int n, int count) {
        if (SIMD) {
            Simd.addRows(s, so, sStep, d, dOff, dStep, n, count);
        } else {
            for (int i = 0; i < count; i++) {
                for (int j = 0; j < n; j++) {
                    d[dOff + i * dStep + j] += s[so + i * sStep + j];
                }
            }
        }
    }

    /** As {@link #im2col(Geometry, float[], int, int, float[], int, float)} in float64. */
    public static void im2col(Geometry g, double[] x, int xo, int samples, double[] cols, int co, double pad) {
        int positions = g.oh * g.ow;
        int ld = samples * positions;
        int sampleSize = g.channels * g.h * g.w;
        int r = 0;
        for (int c = 0; c < g.channels; c++) {
            for (int ki = 0; ki < g.kh; ki++) {
                for (int kj = 0; kj < g.kw; kj++, r++) {
                    for (int q = 0; q < samples; q++) {
                        for (int oy = 0; oy < g.oh; oy++) {
                            int iy = oy * g.sh - g.ph + ki * g.dh;
                            int dst = co + r * ld + q * positions + oy * g.ow;
                            for (int ox = 0; ox < g.ow; ox++) {
                                int ix = ox * g.sw - g.pw + kj * g.dw;
                                boolean inside = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
                                cols[dst + ox] = inside ? x[xo + q * sampleSize + (c * g.h + iy) * g.w + ix] : pad;
                            }
                        }
                    }
                }
            }
        }
    }

    /** As {@link #col2im(Geometry, float[], int, int, float[], int)} in float64. */
    public static void col2im(Geometry g, double[] cols, int co, int samples, double[] x, int xo) {
        int positions = g.oh * g.ow;
        int ld = samples * positions;
        int sampleSize = g.channels * g.h * g.w;
        int r = 0;
        for (int c = 0; c < g.channels; c++) {
            for (int ki = 0; ki < g.kh; ki++) {
                for (int kj = 0; kj < g.kw; kj++, r++) {
                    for (int q = 0; q < samples; q++) {
                        for (int oy = 0; oy < g.oh; oy++) {
                            int iy = oy * g.sh - g.ph + ki * g.dh;
                            if (iy < 0 || iy >= g.h) {
                                continue;
                            }
                            int src = co + r * ld + q * positions + oy * g.ow;
                            for (int ox = 0; ox < g.ow; ox++) {
                                int ix = ox * g.sw - g.pw + kj * g.dw;
                                if (ix >= 0 && ix < g.w) {
                                    x[xo + q * sampleSize + (c * g.h + iy) * g.w + ix] += cols[src + ox];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    private static void fill(float[] a, int off, int n, float v) {
        for (int i = 0; i < n; i++) {
            a[off + i] = v;
        }
    }

    /** {@code d[dOff + i] = s[so + i]} for {@code i < n}. */
    static void copy(float[] s, int so, float[] d, int dOff, int n) {
        if (SIMD) {
            Simd.copy(s, so, d, dOff, n);
        } else {
            System.arraycopy(s, so, d, dOff, n);
        }
    }

    /** {@code d[dOff + i] += s[so + i]} for {@code i < n}. */
    static void addInto(float[] s, int so, float[] d, int dOff, int n) {
        if (SIMD) {
            Simd.addInto(s, so, d, dOff, n);
        } else {
            for (int i = 0; i < n; i++) {
                d[dOff + i] += s[so + i];
            }
        }
    }

    /** The vector loops: whole vectors, then one masked vector for the tail. */
    private static final class Simd {
        private static final VectorSpecies<Float> F = PanamaKernels.F;
        static final int L = F.length();

        /**
         * col2im of one sample for strides of 1 as a gather: each input row, a vector at a time, sums the patch
         * elements read from it in registers, row {@code (c, ki, kj)} after row, and is stored once (a scatter of
         * short rows instead adds to each element {@code kh * kw} times through memory). A masked add keeps the
         * lanes whose output column lies outside the patch row out of the sum, so the sums are the scatter's, bit
         * for bit. Reads up to {@code dw * (kw - 1)} floats before a patch row (masked where that leaves the array).
         */
        static void col2imGather(Geometry g, float[] cols, int co, int ld, float[] x, int xo) {
            if (g.w <= L && g.kw <= 5) {
                col2imGatherNarrow(g, cols, co, ld, x, xo);
                return;
            }
            for (int c = 0; c < g.channels; c++) {
                for (int iy = 0; iy < g.h; iy++) {
                    int row = xo + (c * g.h + iy) * g.w;
                    for (int ix0 = 0; ix0 < g.w; ix0 += L) {
                        VectorMask<Float> in = PanamaKernels.firstLanes(g.w - ix0);
                        FloatVector acc = FloatVector.fromArray(F, x, row + ix0, in);
                        for (int ki = 0; ki < g.kh; ki++) {
                            int oy = iy + g.ph - ki * g.dh;
                            if (oy < 0 || oy >= g.oh) {
                                continue;
                            }
                            for (int kj = 0; kj < g.kw; kj++) {
                                int ox0 = ix0 + g.pw - kj * g.dw;          // output column of lane 0
                                // the lanes whose output column ox0 + lane lies in [0, ow)
                                VectorMask<Float> m = PanamaKernels.lanes(-ox0, g.ow - ox0);
                                int src = co + ((c * g.kh + ki) * g.kw + kj) * ld + oy * g.ow + ox0;
                                acc = acc.add(load(cols, src, m), m);
                            }
                        }
                        acc.intoArray(x, row + ix0, in);
                    }
                }
            }
        }

        /**
         * {@link #col2imGather} for rows of at most one vector and kernels at most 5 wide: a tap's lane mask depends
         * only on its column {@code kj}, so the (up to) five masks are made once, not once per tap and row.
         */
        static void col2imGatherNarrow(Geometry g, float[] cols, int co, int ld, float[] x, int xo) {
            int kw = g.kw;
            // lanes ix whose output column ix + pw - kj dw lies in [0, ow)
            VectorMask<Float> m0 = PanamaKernels.lanes(-g.pw, g.ow - g.pw);
            VectorMask<Float> m1 = PanamaKernels.lanes(g.dw - g.pw, g.dw - g.pw + g.ow);
            VectorMask<Float> m2 = PanamaKernels.lanes(2 * g.dw - g.pw, 2 * g.dw - g.pw + g.ow);
            VectorMask<Float> m3 = PanamaKernels.lanes(3 * g.dw - g.pw, 3 * g.dw - g.pw + g.ow);
            VectorMask<Float> m4 = PanamaKernels.lanes(4 * g.dw - g.pw, 4 * g.dw - g.pw + g.ow);
            VectorMask<Float> in = PanamaKernels.firstLanes(g.w);
            int step = ld - g.dw;                                   // from tap kj to kj + 1
            for (int c = 0; c < g.channels; c++) {
                for (int iy = 0; iy < g.h; iy++) {
                    int row = xo + (c * g.h + iy) * g.w;
                    FloatVector acc = FloatVector.fromArray(F, x, row, in);
                    for (int ki = 0; ki < g.kh; ki++) {
                        int oy = iy + g.ph - ki * g.dh;
                        if (oy < 0 || oy >= g.oh) {
                            continue;
                        }
                        int src = co + (c * g.kh + ki) * kw * ld + oy * g.ow + g.pw;    // tap kj = 0, lane 0
                        acc = acc.add(load(cols, src, m0), m0);
                        if (kw > 1) {
                            acc = acc.add(load(cols, src += step, m1), m1);
                        }
                        if (kw > 2) {
                            acc = acc.add(load(cols, src += step, m2), m2);
                        }
                        if (kw > 3) {
                            acc = acc.add(load(cols, src += step, m3), m3);
                        }
                        if (kw > 4) {
                            acc = acc.add(load(cols, src + step, m4), m4);
                        }
                    }
                    acc.intoArray(x, row, in);
                }
            }
        }

        /** A whole vector from {@code cols[src...]}, or only the lanes of {@code m} where a whole one would not fit. */
        private static FloatVector load(float[] cols, int src, VectorMask<Float> m) {
            return src >= 0 && src + L <= cols.length ? FloatVector.fromArray(F, cols, src)
                    : FloatVector.fromArray(F, cols, src, m);
        }

        /** {@code count} rows of at most one vector, each stored whole (its spill lands on the next row). */
        static void copyRows(float[] s, int so, int sStep, float[] d, int dOff, int dStep, int count) {
            for (int i = 0; i < count; i++, so += sStep, dOff += dStep) {
                FloatVector.fromArray(F, s, so).intoArray(d, dOff);
            }
        }

        static void addRows(float[] s, int so, int sStep, float[] d, int dOff, int dStep, int n, int count) {
            if (n <= L) {
                VectorMask<Float> m = PanamaKernels.firstLanes(n);
                for (int i = 0; i < count; i++, so += sStep, dOff += dStep) {
                    FloatVector.fromArray(F, s, so, m).add(FloatVector.fromArray(F, d, dOff, m)).intoArray(d, dOff, m);
                }
                return;
            }
            for (int i = 0; i < count; i++, so += sStep, dOff += dStep) {
                addInto(s, so, d, dOff, n);
            }
        }

        /** Copies {@code n} floats in whole vectors: up to {@code L - 1} floats past both ends are read and written. */
        static void copySpill(float[] s, int so, float[] d, int dOff, int n) {
            for (int i = 0; i < n; i += L) {
                FloatVector.fromArray(F, s, so + i).intoArray(d, dOff + i);
            }
        }

        /** Fills {@code n} floats in whole vectors, writing up to {@code L - 1} past the end. */
        static void fillSpill(float[] d, int dOff, int n, float v) {
            FloatVector p = FloatVector.broadcast(F, v);
            for (int i = 0; i < n; i += L) {
                p.intoArray(d, dOff + i);
            }
        }

        static void copy(float[] s, int so, float[] d, int dOff, int n) {
            int i = 0;
            for (; i + L <= n; i += L) {
                FloatVector.fromArray(F, s, so + i).intoArray(d, dOff + i);
            }
            if (i < n) {
                VectorMask<Float> m = PanamaKernels.firstLanes(n - i);
                FloatVector.fromArray(F, s, so + i, m).intoArray(d, dOff + i, m);
            }
        }

        static void addInto(float[] s, int so, float[] d, int dOff, int n) {
            int i = 0;
            for (; i + L <= n; i += L) {
                FloatVector.fromArray(F, s, so + i).add(FloatVector.fromArray(F, d, dOff + i)).intoArray(d, dOff + i);
            }
            if (i < n) {
                VectorMask<Float> m = PanamaKernels.firstLanes(n - i);
                FloatVector.fromArray(F, s, so + i, m).add(FloatVector.fromArray(F, d, dOff + i, m))
                        .intoArray(d, dOff + i, m);
            }
        }
    }
}
