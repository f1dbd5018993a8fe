package org.secateur.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * im2col and col2im for one sample, a row of the patch matrix at a time. With a horizontal stride of 1 the part of
 * an output row that lies inside the image is one contiguous run of the input row, so each run is moved with vector
 * loads and stores (a masked one for the tail) instead of an element-by-element gather through an index map; other
 * strides fall back to a strided loop. The index-map version in {@code org.secateur.tensor.Im2Col} is the reference:
 * both produce the same bits, and col2im adds contributions to each input element in the same (row-major) order.
 *
 * <p>Geometry: {@code channels x h x w} input, {@code kh x kw} kernel, strides {@code sh, sw}, zero padding
 * {@code ph, pw}, dilation {@code dh, dw}, output {@code oh x ow}; the patch matrix is {@code [channels*kh*kw, oh*ow]}
 * with rows ordered {@code (c, ki, kj)}.
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
     * Writes the patch matrix of the sample at {@code x[xo ...]} to {@code cols[co ...]}; padding reads {@code pad}.
     * When {@code cols} has {@link #SLACK} floats of room past the matrix, rows are written with whole vectors whose
     * spill past the end of a row is overwritten by the next row (or lands in the room), and no masked store is needed.
     */
    public static void im2col(Geometry g, float[] x, int xo, float[] cols, int co, float pad) {
        int positions = g.oh * g.ow;
        boolean spill = SIMD && g.sw == 1 && cols.length >= co + g.rows() * positions + SLACK;
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
                    int n = oxHi - oxLo;
                    int row = co + r * positions;
                    // rows above the image: padding, one contiguous stretch (those below: after the copies,
                    // whose spill may reach them)
                    fill(cols, row, oyLo * g.ow, pad);
                    int src = xo + (c * g.h + oyLo * g.sh + iy0) * g.w + ix0 + oxLo * g.sw;
                    int dst = row + oyLo * g.ow + oxLo;
                    int srcStep = g.sh * g.w;
                    if (spill && oxLo == 0 && oxHi == g.ow && n <= Simd.L
                            && src + (oyHi - oyLo - 1) * srcStep + Simd.L <= x.length) {
                        // the common case: each output row one vector, no horizontal padding
                        Simd.copyRows(x, src, srcStep, cols, dst, g.ow, oyHi - oyLo);
                        fill(cols, row + oyHi * g.ow, (g.oh - oyHi) * g.ow, pad);
                        continue;
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
            }
        }
    }

    /** Adds the patch matrix at {@code cols[co ...]} back into the sample at {@code x[xo ...]} (col2im). */
    public static void col2im(Geometry g, float[] cols, int co, float[] x, int xo) {
        int positions = g.oh * g.ow;
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
                    int src = co + r * positions + oyLo * g.ow + oxLo;
                    int dst = xo + (c * g.h + oyLo * g.sh + iy0) * g.w + ix0 + oxLo * g.sw;
                    int dstStep = g.sh * g.w;
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

    /** As {@link #im2col(Geometry, float[], int, float[], int, float)} in float64. */
    public static void im2col(Geometry g, double[] x, int xo, double[] cols, int co, double pad) {
        int positions = g.oh * g.ow;
        int r = 0;
        for (int c = 0; c < g.channels; c++) {
            for (int ki = 0; ki < g.kh; ki++) {
                for (int kj = 0; kj < g.kw; kj++, r++) {
                    for (int oy = 0; oy < g.oh; oy++) {
                        int iy = oy * g.sh - g.ph + ki * g.dh;
                        int dst = co + r * positions + oy * g.ow;
                        for (int ox = 0; ox < g.ow; ox++) {
                            int ix = ox * g.sw - g.pw + kj * g.dw;
                            boolean inside = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
                            cols[dst + ox] = inside ? x[xo + (c * g.h + iy) * g.w + ix] : pad;
                        }
                    }
                }
            }
        }
    }

    /** As {@link #col2im(Geometry, float[], int, float[], int)} in float64. */
    public static void col2im(Geometry g, double[] cols, int co, double[] x, int xo) {
        int positions = g.oh * g.ow;
        int r = 0;
        for (int c = 0; c < g.channels; c++) {
            for (int ki = 0; ki < g.kh; ki++) {
                for (int kj = 0; kj < g.kw; kj++, r++) {
                    for (int oy = 0; oy < g.oh; oy++) {
                        int iy = oy * g.sh - g.ph + ki * g.dh;
                        if (iy < 0 || iy >= g.h) {
                            continue;
                        }
                        int src = co + r * positions + oy * g.ow;
                        for (int ox = 0; ox < g.ow; ox++) {
                            int ix = ox * g.sw - g.pw + kj * g.dw;
                            if (ix >= 0 && ix < g.w) {
                                x[xo + (c * g.h + iy) * g.w + ix] += cols[src + ox];
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

        /** {@code count} rows of at most one vector, each stored whole (its spill lands on the next row). */
        static void copyRows(float[] s, int so, int sStep, float[] d, int dOff, int dStep, int count) {
            for (int i = 0; i < count; i++, so += sStep, dOff += dStep) {
                FloatVector.fromArray(F, s, so).intoArray(d, dOff);
            }
        }

        static void addRows(float[] s, int so, int sStep, float[] d, int dOff, int dStep, int n, int count) {
            if (n <= L) {
                VectorMask<Float> m = F.indexInRange(0, n);
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
                VectorMask<Float> m = F.indexInRange(i, n);
                FloatVector.fromArray(F, s, so + i, m).intoArray(d, dOff + i, m);
            }
        }

        static void addInto(float[] s, int so, float[] d, int dOff, int n) {
            int i = 0;
            for (; i + L <= n; i += L) {
                FloatVector.fromArray(F, s, so + i).add(FloatVector.fromArray(F, d, dOff + i)).intoArray(d, dOff + i);
            }
            if (i < n) {
                VectorMask<Float> m = F.indexInRange(i, n);
                FloatVector.fromArray(F, s, so + i, m).add(FloatVector.fromArray(F, d, dOff + i, m))
                        .intoArray(d, dOff + i, m);
            }
        }
    }
}
