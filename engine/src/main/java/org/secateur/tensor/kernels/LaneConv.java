package org.secateur.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Convolution kernels with a group of {@link #lanes()} samples in the vector lanes, the layout cuda-convnet used on
 * GPUs (Krizhevsky 2012): a <em>cell</em> holds one element of every sample of the group, element {@code (c, y, x)} of
 * the group sits in cell {@link Layout#at}, and lane {@code s} of a cell belongs to sample {@code s}. Every tap of
 * every output position is then one aligned vector load whatever the stride, dilation or padding, and each weight a
 * broadcast.
 * <ul>
 *   <li>{@link #forward}: tiles of 4 output channels by 4 output positions, 16 fused multiply-adds per 8 loads, for
 *       layers whose output rows are too short and whose channels too few to fill the vectors another way (LeNet-5's
 *       second layer: 16 channels of 10 x 10; 0.49 against 0.72 ms for the channels-major kernel on one thread);
 *   <li>{@link #weightGradRows}: the weight gradient for stride and dilation 1 along rows, tiles of 4 output channels
 *       by a kernel row's {@link #WINDOW} taps sliding a window of input cells held in registers, 20 fused
 *       multiply-adds per 5 loads.
 * </ul>
 * The price is a transpose into and out of the layout, {@link #interleave} and {@link #deinterleave}, 16 x 16 in
 * registers ({@link Transpose16}, shared with the GEMM's packing).
 *
 * <p>Offsets ({@code posOff}, {@code tapOff}) count cells. Output channels are taken 4 at a time: the packed weight is
 * zero past the last channel and the rows computed for those channels are never read. The {@code ...Scalar} methods
 * are the references: the same sums in the same order, one fused multiply-add at a time, bit for bit.
 */
public final class LaneConv {
    private LaneConv() {}

    private static final boolean SIMD = KernelSelector.KERNELS != KernelSelector.SCALAR;

    /** Samples per group: the float lanes of the vector species. */
    public static int lanes() {
        return SIMD ? Simd.L : 16;
    }

    /** Whether the vector kernels are in use (else the scalar kernels of the rest of the engine serve better). */
    public static boolean available() {
        return SIMD;
    }

    /** Floats a buffer read by {@link #deinterleave} needs past its last cell: rows are read a block at a time. */
    public static int slack() {
        return lanes() * lanes();
    }

    /** {@code n} rounded up to a multiple of 4: the channels, positions or taps a tile loop covers. */
    public static int round4(int n) {
        return (n + 3) & ~3;
    }

    /**
     * Where element {@code (c, y, x)} of a group of planes sits, in cells: {@code c * planeStride + origin +
     * y * rowStride + x}.
     */
    public record Layout(int planeStride, int rowStride, int origin) {
        public int at(int c, int y, int x) {
            return c * planeStride + origin + y * rowStride + x;
        }
    }

    /**
     * Lane {@code s} of cell {@code layout.at(c, y, x)} of {@code xi[xio ...]} (cells of {@link #lanes()} floats)
     * becomes {@code x[xo + s * sampleStride + (c * h + y) * w + x]} for samples {@code s < samples}, and zero for the
     * lanes past them; no other cell is written.
     */
    public static void interleave(float[] x, int xo, int sampleStride, int samples, int planes, int h, int w,
                                  float[] xi, int xio, Layout layout) {
        if (SIMD && Simd.L == 16) {
            Simd.interleave(x, xo, sampleStride, samples, planes, h, w, xi, xio, layout);
        } else {
            interleaveScalar(x, xo, sampleStride, samples, planes, h, w, xi, xio, layout, lanes());
        }
    }

    public static void interleaveScalar(float[] x, int xo, int sampleStride, int samples, int planes, int h, int w,
                                        float[] xi, int xio, Layout layout, int lanes) {
        for (int c = 0; c < planes; c++) {
            for (int y = 0; y < h; y++) {
                for (int i = 0; i < w; i++) {
                    int cell = xio + layout.at(c, y, i) * lanes;
                    for (int s = 0; s < lanes; s++) {
                        xi[cell + s] = s < samples ? x[xo + s * sampleStride + (c * h + y) * w + i] : 0f;
                    }
                }
            }
        }
    }

    /**
     * The inverse of {@link #interleave} for the first {@code samples} lanes, plus {@code bias[c]} if a bias is given:
     * {@code y[yo + s * sampleStride + (c * h + y) * w + x] = xi[xio + layout.at(c, y, x) * lanes() + s] (+ bias[c])}.
     * Reads up to a block of {@link #lanes()} cells from each row's start, so {@code xi} needs {@link #slack()} floats
     * past the last cell.
     */
    public static void deinterleave(float[] xi, int xio, Layout layout, int planes, int h, int w, int samples,
                                    float[] bias, float[] y, int yo, int sampleStride) {
        if (SIMD && Simd.L == 16) {
            Simd.deinterleave(xi, xio, layout, planes, h, w, samples, bias, y, yo, sampleStride);
        } else {
            deinterleaveScalar(xi, xio, layout, planes, h, w, samples, bias, y, yo, sampleStride, lanes());
        }
    }

    public static void deinterleaveScalar(float[] xi, int xio, Layout layout, int planes, int h, int w, int samples,
                                          float[] bias, float[] y, int yo, int sampleStride, int lanes) {
        for (int s = 0; s < samples; s++) {
            for (int c = 0; c < planes; c++) {
                for (int r = 0; r < h; r++) {
                    for (int i = 0; i < w; i++) {
                        float v = xi[xio + layout.at(c, r, i) * lanes + s];
                        y[yo + s * sampleStride + (c * h + r) * w + i] = bias == null ? v : v + bias[c];
                    }
                }
            }
        }
    }

    /**
     * {@code w [outChannels, taps]} as the forward's tiles: {@code [round4(outChannels) / 4, taps, 4]}, zero past the
     * last channel.
     */
    public static float[] packForward(float[] w, int outChannels, int taps) {
        float[] p = new float[round4(outChannels) * taps];
        for (int m = 0; m < outChannels; m++) {
            for (int t = 0; t < taps; t++) {
                p[((m >> 2) * taps + t) * 4 + (m & 3)] = w[m * taps + t];
            }
        }
        return p;
    }

    /**
     * The forward: for {@code m < round4(outChannels)}, {@code p < round4(positions)}, cell {@code m * yPlane + p} of
     * {@code yi[yo ...]} becomes the sum over taps {@code t} of {@code wp[m, t] * xi[xo + (posOff[p'] + tapOff[t]) *
     * lanes()]}, {@code wp} packed by {@link #packForward} and {@code p' = min(p, positions - 1)} (cells of
     * positions past the last are filled but meaningless). Each sum runs over {@code t} in order from zero.
     */
    public static void forward(float[] wp, int outChannels, int taps, int[] tapOff, float[] xi, int xo, int[] posOff,
                               int positions, float[] yi, int yo, int yPlane) {
        if (SIMD) {
            Simd.forward(wp, outChannels, taps, tapOff, xi, xo, posOff, positions, yi, yo, yPlane);
        } else {
            forwardScalar(wp, outChannels, taps, tapOff, xi, xo, posOff, positions, yi, yo, yPlane, lanes());
        }
    }

    public static void forwardScalar(float[] wp, int outChannels, int taps, int[] tapOff, float[] xi, int xo,
                                     int[] posOff, int positions, float[] yi, int yo, int yPlane, int lanes) {
        for (int m = 0; m < round4(outChannels); m++) {
            for (int p = 0; p < round4(positions); p++) {
                int q = posOff[Math.min(p, positions - 1)];
                for (int s = 0; s < lanes; s++) {
                    float acc = 0f;
                    for (int t = 0; t < taps; t++) {
                        acc = Math.fma(xi[xo + (q + tapOff[t]) * lanes + s], wp[((m >> 2) * taps + t) * 4 + (m & 3)],
                                acc);
                    }
                    yi[yo + (m * yPlane + p) * lanes + s] = acc;
                }
            }
        }
    }

    /** Taps of a kernel row the weight gradient's window covers: kernels up to this wide, stride and dilation 1. */
    public static final int WINDOW = 5;

    /**
     * One group's share of the weight gradient for stride and dilation 1 along rows and kernels at most
     * {@link #WINDOW} wide: for {@code m < round4(outChannels)}, channel {@code c}, kernel row {@code ky} and
     * {@code kx < WINDOW}, lane {@code s} of cell {@code ((m * channels + c) * kh + ky) * WINDOW + kx} of
     * {@code acc[ao ...]} gains, output row by output row and position by position in order, one fused multiply-add
     * of {@code gyi[go + (m * gPlane + oy * ow + ox) * lanes() + s]} and the input cell {@code in.at(c, oy * sh +
     * ky * dh, ox + kx)} of {@code xi[xo ...]} (a layout whose origin is the padded plane's corner). The input's cells
     * are read up to {@code WINDOW - 1} past a row's last window (into the next row, or slack past the last plane);
     * sums for {@code kx >= kw} are never used. Each tile keeps a window of five input cells in registers and loads
     * one new cell per position: 5 loads per 20 FMAs, where a tile of taps read through a table needs 8 per 16.
     */
    public static void weightGradRows(float[] gyi, int go, int gPlane, float[] xi, int xo, Layout in, int channels,
                                      int kh, int sh, int dh, int oh, int ow, int outChannels, float[] acc,
                                      int ao) {
        if (SIMD) {
            Simd.weightGradRows(gyi, go, gPlane, xi, xo, in, channels, kh, sh, dh, oh, ow, outChannels, acc, ao);
        } else {
            weightGradRowsScalar(gyi, go, gPlane, xi, xo, in, channels, kh, sh, dh, oh, ow, outChannels, acc, ao,
                    lanes());
        }
    }

    public static void weightGradRowsScalar(float[] gyi, int go, int gPlane, float[] xi, int xo, Layout in,
                                            int channels, int kh, int sh, int dh, int oh, int ow, int outChannels,
                                            float[] acc, int ao, int lanes) {
        for (int m = 0; m < round4(outChannels); m++) {
            for (int c = 0; c < channels; c++) {
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = 0; kx < WINDOW; kx++) {
                        int a = ao + (((m * channels + c) * kh + ky) * WINDOW + kx) * lanes;
                        for (int s = 0; s < lanes; s++) {
                            float sum = acc[a + s];
                            for (int oy = 0; oy < oh; oy++) {
                                for (int ox = 0; ox < ow; ox++) {
                                    sum = Math.fma(gyi[go + (m * gPlane + oy * ow + ox) * lanes + s],
                                            xi[xo + in.at(c, oy * sh + ky * dh, ox + kx) * lanes + s], sum);
                                }
                            }
                            acc[a + s] = sum;
                        }
                    }
                }
            }
        }
    }

    private static final class Simd {
        private static final VectorSpecies<Float> F = PanamaKernels.F;
        private static final int L = F.length();

        /** A thread's scratch blocks: the input and the output of a part block. */
        private static final ThreadLocal<float[]> BLOCKS = ThreadLocal.withInitial(() -> new float[2 * 16 * 16]);

        /**
         * {@link Transpose16#transpose} of a part of a block: rows {@code k < rows} of {@code cols} elements read
         * (zeros elsewhere), rows {@code k < outRows} of {@code outCols} elements written, through a scratch block.
         */
        private static void transposePart(float[] a, int ao, int as, int rows, int cols, float[] d, int dof, int ds,
                                          int outRows, int outCols, float add, boolean addIt, float[] block) {
            java.util.Arrays.fill(block, 0, L * L, 0f);
            for (int k = 0; k < rows; k++) {
                System.arraycopy(a, ao + k * as, block, k * L, cols);
            }
            Transpose16.transpose(block, 0, L, block, L * L, L, add, addIt);
            for (int k = 0; k < outRows; k++) {
                System.arraycopy(block, L * L + k * L, d, dof + k * ds, outCols);
            }
        }

        static void interleave(float[] x, int xo, int sampleStride, int samples, int planes, int h, int w, float[] xi,
                               int xio, Layout layout) {
            move(true, x, xo, sampleStride, samples, planes, h, w, xi, xio, layout, null);
        }

        static void deinterleave(float[] xi, int xio, Layout layout, int planes, int h, int w, int samples,
                                 float[] bias, float[] y, int yo, int sampleStride) {
            move(false, y, yo, sampleStride, samples, planes, h, w, xi, xio, layout, bias);
        }

        /**
         * Between the samples' planes {@code flat[fo + s * sampleStride ...]} and the cells {@code cells[co ...]}, a
         * block of L elements of a row at a time: into the cells if {@code toCells}, else out of them plus the bias.
         */
        private static void move(boolean toCells, float[] flat, int fo, int sampleStride, int samples, int planes,
                                 int h, int w, float[] cells, int co, Layout layout, float[] bias) {
            float[] block = BLOCKS.get();
            if (layout.rowStride() == w && layout.origin() == 0 && layout.planeStride() == h * w) {
                w *= h;                                         // unpadded planes: one row each, fewer part blocks
                h = 1;
            }
            for (int c = 0; c < planes; c++) {
                float b = bias == null ? 0f : bias[c];
                for (int y = 0; y < h; y++) {
                    for (int i = 0; i < w; i += L) {
                        int n = Math.min(L, w - i);
                        int f = fo + (c * h + y) * w + i;
                        int cell = co + layout.at(c, y, i) * L;
                        boolean whole = n == L && samples == L;
                        if (toCells && whole) {
                            Transpose16.transpose(flat, f, sampleStride, cells, cell, L);
                        } else if (toCells) {
                            transposePart(flat, f, sampleStride, samples, n, cells, cell, L, n, L, 0f, false, block);
                        } else if (whole) {
                            Transpose16.transpose(cells, cell, L, flat, f, sampleStride, b, bias != null);
                        } else {
                            transposePart(cells, cell, L, L, L, flat, f, sampleStride, samples, n, b, bias != null,
                                    block);
                        }
                    }
                }
            }
        }

        static void forward(float[] wp, int outChannels, int taps, int[] tapOff, float[] xi, int xo, int[] posOff,
                            int positions, float[] yi, int yo, int yPlane) {
            int last = positions - 1;
            for (int m0 = 0; m0 < outChannels; m0 += 4) {
                int wb = (m0 >> 2) * taps * 4;
                for (int p0 = 0; p0 < positions; p0 += 4) {
                    int a0 = xo + posOff[p0] * L;
                    int a1 = xo + posOff[Math.min(p0 + 1, last)] * L;
                    int a2 = xo + posOff[Math.min(p0 + 2, last)] * L;
                    int a3 = xo + posOff[Math.min(p0 + 3, last)] * L;
                    FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00;
                    FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
                    FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
                    FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
                    for (int t = 0; t < taps; t++) {
                        int o = tapOff[t] * L;
                        FloatVector x0 = FloatVector.fromArray(F, xi, a0 + o);
                        FloatVector x1 = FloatVector.fromArray(F, xi, a1 + o);
                        FloatVector x2 = FloatVector.fromArray(F, xi, a2 + o);
                        FloatVector x3 = FloatVector.fromArray(F, xi, a3 + o);
                        int wi = wb + t * 4;
                        FloatVector w = FloatVector.broadcast(F, wp[wi]);
                        c00 = x0.fma(w, c00); c01 = x1.fma(w, c01); c02 = x2.fma(w, c02); c03 = x3.fma(w, c03);
                        w = FloatVector.broadcast(F, wp[wi + 1]);
                        c10 = x0.fma(w, c10); c11 = x1.fma(w, c11); c12 = x2.fma(w, c12); c13 = x3.fma(w, c13);
                        w = FloatVector.broadcast(F, wp[wi + 2]);
                        c20 = x0.fma(w, c20); c21 = x1.fma(w, c21); c22 = x2.fma(w, c22); c23 = x3.fma(w, c23);
                        w = FloatVector.broadcast(F, wp[wi + 3]);
                        c30 = x0.fma(w, c30); c31 = x1.fma(w, c31); c32 = x2.fma(w, c32); c33 = x3.fma(w, c33);
                    }
                    int d = yo + (m0 * yPlane + p0) * L;
                    int step = yPlane * L;
                    c00.intoArray(yi, d); c01.intoArray(yi, d + L);
                    c02.intoArray(yi, d + 2 * L); c03.intoArray(yi, d + 3 * L);
                    d += step;
                    c10.intoArray(yi, d); c11.intoArray(yi, d + L);
                    c12.intoArray(yi, d + 2 * L); c13.intoArray(yi, d + 3 * L);
                    d += step;
                    c20.intoArray(yi, d); c21.intoArray(yi, d + L);
                    c22.intoArray(yi, d + 2 * L); c23.intoArray(yi, d + 3 * L);
                    d += step;
                    c30.intoArray(yi, d); c31.intoArray(yi, d + L);
                    c32.intoArray(yi, d + 2 * L); c33.intoArray(yi, d + 3 * L);
                }
            }
        }

        static void weightGradRows(float[] gyi, int go, int gPlane, float[] xi, int xo, Layout in, int channels,
                                   int kh, int sh, int dh, int oh, int ow, int outChannels, float[] acc,
                                   int ao) {
            int ms = channels * kh * WINDOW * L;                // from one output channel's sums to the next
            int gs = gPlane * L;
            for (int m0 = 0; m0 < outChannels; m0 += 4) {
                for (int c = 0; c < channels; c++) {
                    for (int ky = 0; ky < kh; ky++) {
                        int a = ao + ((m0 * channels + c) * kh + ky) * WINDOW * L;
                        FloatVector a00 = FloatVector.fromArray(F, acc, a), a01 = FloatVector.fromArray(F, acc, a + L);
                        FloatVector a02 = FloatVector.fromArray(F, acc, a + 2 * L);
                        FloatVector a03 = FloatVector.fromArray(F, acc, a + 3 * L);
                        FloatVector a04 = FloatVector.fromArray(F, acc, a + 4 * L);
                        FloatVector a10 = FloatVector.fromArray(F, acc, a + ms);
                        FloatVector a11 = FloatVector.fromArray(F, acc, a + ms + L);
                        FloatVector a12 = FloatVector.fromArray(F, acc, a + ms + 2 * L);
                        FloatVector a13 = FloatVector.fromArray(F, acc, a + ms + 3 * L);
                        FloatVector a14 = FloatVector.fromArray(F, acc, a + ms + 4 * L);
                        FloatVector a20 = FloatVector.fromArray(F, acc, a + 2 * ms);
                        FloatVector a21 = FloatVector.fromArray(F, acc, a + 2 * ms + L);
                        FloatVector a22 = FloatVector.fromArray(F, acc, a + 2 * ms + 2 * L);
                        FloatVector a23 = FloatVector.fromArray(F, acc, a + 2 * ms + 3 * L);
                        FloatVector a24 = FloatVector.fromArray(F, acc, a + 2 * ms + 4 * L);
                        FloatVector a30 = FloatVector.fromArray(F, acc, a + 3 * ms);
                        FloatVector a31 = FloatVector.fromArray(F, acc, a + 3 * ms + L);
                        FloatVector a32 = FloatVector.fromArray(F, acc, a + 3 * ms + 2 * L);
                        FloatVector a33 = FloatVector.fromArray(F, acc, a + 3 * ms + 3 * L);
                        FloatVector a34 = FloatVector.fromArray(F, acc, a + 3 * ms + 4 * L);
                        for (int oy = 0; oy < oh; oy++) {
                            int xr = xo + in.at(c, oy * sh + ky * dh, 0) * L;
                            int gr = go + (m0 * gPlane + oy * ow) * L;
                            FloatVector w0 = FloatVector.fromArray(F, xi, xr);
                            FloatVector w1 = FloatVector.fromArray(F, xi, xr + L);
                            FloatVector w2 = FloatVector.fromArray(F, xi, xr + 2 * L);
                            FloatVector w3 = FloatVector.fromArray(F, xi, xr + 3 * L);
                            for (int ox = 0; ox < ow; ox++) {
                                FloatVector w4 = FloatVector.fromArray(F, xi, xr + (ox + 4) * L);
                                int gp = gr + ox * L;
                                FloatVector g = FloatVector.fromArray(F, gyi, gp);
                                a00 = g.fma(w0, a00); a01 = g.fma(w1, a01); a02 = g.fma(w2, a02);
                                a03 = g.fma(w3, a03); a04 = g.fma(w4, a04);
                                g = FloatVector.fromArray(F, gyi, gp + gs);
                                a10 = g.fma(w0, a10); a11 = g.fma(w1, a11); a12 = g.fma(w2, a12);
                                a13 = g.fma(w3, a13); a14 = g.fma(w4, a14);
                                g = FloatVector.fromArray(F, gyi, gp + 2 * gs);
                                a20 = g.fma(w0, a20); a21 = g.fma(w1, a21); a22 = g.fma(w2, a22);
                                a23 = g.fma(w3, a23); a24 = g.fma(w4, a24);
                                g = FloatVector.fromArray(F, gyi, gp + 3 * gs);
                                a30 = g.fma(w0, a30); a31 = g.fma(w1, a31); a32 = g.fma(w2, a32);
                                a33 = g.fma(w3, a33); a34 = g.fma(w4, a34);
                                w0 = w1;                        // the window slides one cell
                                w1 = w2;
                                w2 = w3;
                                w3 = w4;
                            }
                        }
                        a00.intoArray(acc, a); a01.intoArray(acc, a + L); a02.intoArray(acc, a + 2 * L);
                        a03.intoArray(acc, a + 3 * L); a04.intoArray(acc, a + 4 * L);
                        a += ms;
                        a10.intoArray(acc, a); a11.intoArray(acc, a + L); a12.intoArray(acc, a + 2 * L);
                        a13.intoArray(acc, a + 3 * L); a14.intoArray(acc, a + 4 * L);
                        a += ms;
                        a20.intoArray(acc, a); a21.intoArray(acc, a + L); a22.intoArray(acc, a + 2 * L);
                        a23.intoArray(acc, a + 3 * L); a24.intoArray(acc, a + 4 * L);
                        a += ms;
                        a30.intoArray(acc, a); a31.intoArray(acc, a + L); a32.intoArray(acc, a + 2 * L);
                        a33.intoArray(acc, a + 3 * L); a34.intoArray(acc, a + 4 * L);
                    }
                }
            }
        }
    }
}
