package org.secateur.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Convolution kernels that write no patch matrix.
 *
 * <p>Stride 1, as an implicit GEMM: the input is zero-padded once into a buffer with rows of {@code rowStride}
 * floats, and row {@code r = (c, ki, kj)} of the patch matrix, restricted to output row {@code oy}, is then the
 * contiguous run {@code xp[rowOff[r] + oy * rowStride, ... + ow)} of that buffer: a micro-kernel reads it with vector
 * loads through the table {@code rowOff}.
 * <ul>
 *   <li>{@link #forward}: {@code y[m, oy, ox] = bias[m] + sum_r w[m, r] xp[rowOff[r] + oy*rowStride + ox]}, eight
 *       output channels by one or two vectors of positions of one output row per tile (the weights are broadcast,
 *       the input rows loaded). The transposed convolution (the input gradient) is this same forward on the padded
 *       output gradient with the kernel flipped and its two channel axes swapped.
 *   <li>{@link #dotRows}: the weight gradient {@code sum_s g[s] cols[s]^T} as dot products of contiguous rows,
 *       for long rows (many output positions).
 * </ul>
 * Channels-major, for layers with a vector's worth of output channels and small outputs, any stride or dilation:
 * {@link #forwardChannels} and {@link #weightGradChannels} put the output channels in the vector lanes and
 * broadcast the input through the tables {@code rowOff} (patch rows) and {@code posOff} (output positions).
 *
 * <p>{@link #forwardScalar}, {@link #forwardChannelsScalar}, {@link #weightGradChannelsScalar} (same sums in the same
 * order, bit for bit) and {@link #dotRowsScalar} are the references.
 */
public final class ConvKernels {
    private ConvKernels() {}

    private static final boolean SIMD = KernelSelector.KERNELS != KernelSelector.SCALAR;

    /** Floats a padded buffer needs past its last plane, for reads of whole vectors past a row end. */
    public static final int SLACK = 64;

    /**
     * Copies {@code planes} planes of {@code h x w} from {@code x[xo...]} into {@code into} (or a new array when it
     * is too small) as planes of {@code (h + 2ph) x (w + 2pw)} with zero borders, followed by {@link #SLACK} zeros;
     * returns the buffer written.
     */
    public static float[] pad(float[] x, int xo, int planes, int h, int w, int ph, int pw, float[] into) {
        int hp = h + 2 * ph;
        int wp = w + 2 * pw;
        int size = planes * hp * wp + SLACK;
        float[] xp = into != null && into.length >= size ? into : new float[size];
        padPlanes(x, xo, planes, h, w, ph, pw, xp, 0);
        java.util.Arrays.fill(xp, planes * hp * wp, size, 0f);
        return xp;
    }

    /**
     * The planes of {@link #pad} alone, into {@code xp[xpo...]}: callers may split the planes over threads and add
     * the slack themselves.
     */
    public static void padPlanes(float[] x, int xo, int planes, int h, int w, int ph, int pw, float[] xp, int xpo) {
        int hp = h + 2 * ph;
        int wp = w + 2 * pw;
        for (int p = 0; p < planes; p++) {
            int base = xpo + p * hp * wp;
            java.util.Arrays.fill(xp, base, base + ph * wp, 0f);                       // rows above
            for (int i = 0; i < h; i++) {
                int row = base + (i + ph) * wp;
                for (int j = 0; j < pw; j++) {
                    xp[row + j] = 0f;
                    xp[row + pw + w + j] = 0f;
                }
                System.arraycopy(x, xo + (p * h + i) * w, xp, row + pw, w);
            }
            java.util.Arrays.fill(xp, base + (ph + h) * wp, base + hp * wp, 0f);       // rows below
        }
    }

    /**
     * The output {@code y[yo + m*oh*ow + oy*ow + ox]} for {@code m < outChannels}: {@code bias[m]} (if not null)
     * plus the sum over {@code r < rows} of {@code w[m*rows + r] * xp[xo + rowOff[r] + oy*rowStride + ox]}. Each
     * sum runs over {@code r} in order, from zero, one fused multiply-add at a time; the bias is added last.
     */
    public static void forward(float[] w, int outChannels, int rows, int[] rowOff, float[] xp, int xo, int rowStride,
                               int oh, int ow, float[] bias, float[] y, int yo) {
        if (SIMD) {
            Simd.forward(w, outChannels, rows, rowOff, xp, xo, rowStride, oh, ow, bias, y, yo);
        } else {
            forwardScalar(w, outChannels, rows, rowOff, xp, xo, rowStride, oh, ow, bias, y, yo);
        }
    }

    /** The reference of {@link #forward}. */
    public static void forwardScalar(float[] w, int outChannels, int rows, int[] rowOff, float[] xp, int xo,
                                     int rowStride, int oh, int ow, float[] bias, float[] y, int yo) {
        for (int m = 0; m < outChannels; m++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    float s = 0;
                    for (int r = 0; r < rows; r++) {
                        s = Math.fma(w[m * rows + r], xp[xo + rowOff[r] + oy * rowStride + ox], s);
                    }
                    y[yo + (m * oh + oy) * ow + ox] = bias == null ? s : s + bias[m];
                }
            }
        }
    }

    /** Floats per row of a channels-major weight or gradient ({@link #forwardChannels}): whole vectors. */
    public static int channelStride(int channels) {
        int lanes = SIMD ? Simd.L : 1;
        return (channels + lanes - 1) / lanes * lanes;
    }

    /** {@code w [channels, rows]} as {@code [rows, channelStride(channels)]}, zero past {@code channels}. */
    public static float[] channelsMajor(float[] w, int channels, int rows) {
        float[] t = new float[rows * channelStride(channels)];
        channelsMajor(w, 0, channels, rows, t, 0);
        return t;
    }

    /** As {@link #channelsMajor(float[], int, int)}, from {@code w[wo ...]} into {@code t[to ...]}, zeros written. */
    public static void channelsMajor(float[] w, int wo, int channels, int rows, float[] t, int to) {
        int ld = channelStride(channels);
        for (int r = 0; r < rows; r++) {
            for (int m = 0; m < channels; m++) {
                t[to + r * ld + m] = w[wo + m * rows + r];
            }
            java.util.Arrays.fill(t, to + r * ld + channels, to + (r + 1) * ld, 0f);
        }
    }

    /**
     * The output {@code y[yo + m*positions + p]} for {@code m < outChannels}, {@code p < positions}: {@code bias[m]}
     * (if not null) plus the sum over {@code r < rows} of {@code wt[r*ld + m] * xp[xo + posOff[p] + rowOff[r]]},
     * where {@code wt} is the weight channels-major ({@link #channelsMajor}, {@code ld = channelStride(outChannels)})
     * and {@code posOff[p]} is the offset of output position {@code p}'s window in the (padded) input. The output
     * channels run along the vector lanes and twelve positions are broadcast from the input: the kernel for layers
     * with many channels and small outputs (LeNet-5's second layer: 16 channels of 10 x 10), where neither the
     * positions of one output row nor one sample's GEMM fill the vectors, and any stride or dilation is only an
     * offset table. Each sum runs over {@code r} in order, from zero, one fused multiply-add at a time; the bias is
     * added last.
     */
    public static void forwardChannels(float[] wt, int outChannels, int rows, int[] rowOff, float[] xp, int xo,
                                       int[] posOff, int positions, float[] bias, float[] y, int yo) {
        if (SIMD) {
            Simd.forwardChannels(wt, outChannels, rows, rowOff, xp, xo, posOff, positions, bias, y, yo);
        } else {
            forwardChannelsScalar(wt, outChannels, rows, rowOff, xp, xo, posOff, positions, bias, y, yo);
        }
    }

    /** The reference of {@link #forwardChannels}. */
    public static void forwardChannelsScalar(float[] wt, int outChannels, int rows, int[] rowOff, float[] xp, int xo,
                                             int[] posOff, int positions, float[] bias, float[] y, int yo) {
        int ld = channelStride(outChannels);
        for (int m = 0; m < outChannels; m++) {
            for (int p = 0; p < positions; p++) {
                float s = 0;
                for (int r = 0; r < rows; r++) {
                    s = Math.fma(wt[r * ld + m], xp[xo + posOff[p] + rowOff[r]], s);
                }
                y[yo + m * positions + p] = bias == null ? s : s + bias[m];
            }
        }
    }

    /**
     * The weight gradient in the layout of {@link #forwardChannels}: adds to {@code gwt[r*ld + m]}, for
     * {@code r < rows} and {@code m < channels}, the sum over samples {@code s < samples}, then positions
     * {@code p < positions}, of {@code xp[xo + s*xStride + posOff[p] + rowOff[r]] * gyt[go + s*gStride + p*ld + m]},
     * where {@code gyt} holds each sample's output gradient channels-major ({@code [positions, ld]},
     * {@code ld = channelStride(channels)}). Each sum runs in that order, one fused multiply-add at a time, from the
     * value in {@code gwt}.
     */
    public static void weightGradChannels(float[] xp, int xo, int xStride, int[] rowOff, int rows, int[] posOff,
                                          int positions, float[] gyt, int go, int gStride, int channels, int samples,
                                          float[] gwt) {
        if (SIMD) {
            Simd.weightGradChannels(xp, xo, xStride, rowOff, rows, posOff, positions, gyt, go, gStride, channels,
                    samples, gwt);
        } else {
            weightGradChannelsScalar(xp, xo, xStride, rowOff, rows, posOff, positions, gyt, go, gStride, channels,
                    samples, gwt);
        }
    }

    /** The reference of {@link #weightGradChannels}. */
    public static void weightGradChannelsScalar(float[] xp, int xo, int xStride, int[] rowOff, int rows, int[] posOff,
                                                int positions, float[] gyt, int go, int gStride, int channels,
                                                int samples, float[] gwt) {
        int ld = channelStride(channels);
        for (int r = 0; r < rows; r++) {
            for (int m = 0; m < channels; m++) {
                float s = gwt[r * ld + m];
                for (int q = 0; q < samples; q++) {
                    for (int p = 0; p < positions; p++) {
                        s = Math.fma(xp[xo + q * xStride + posOff[p] + rowOff[r]], gyt[go + q * gStride + p * ld + m],
                                s);
                    }
                }
                gwt[r * ld + m] = s;
            }
        }
    }

    /**
     * Adds to {@code c[co + i*n + j]}, for {@code i < m} and {@code j < n = bRows.length}, the sum over
     * {@code samples} of the dot products of row {@code i} of {@code a} and row {@code j} of {@code b} (each
     * {@code k} long): for sample {@code s}, rows start at {@code ao + s*aStride + i*k} and
     * {@code bo + s*bStride + bRows[j]}. This is the weight gradient {@code sum_s g[s] cols[s]^T} with the patch rows
     * read where they are: rows of a patch matrix ({@code bRows[j] = j*k}), or, for stride 1, windows of the padded
     * input itself, which overlap ({@code bRows} the patch rows' offsets, the output gradient widened to the padded
     * row length). Four rows of each in 16 vector accumulators, whole vectors along k and a zero-padded copy for its
     * tail, lanes added in a fixed order at the end.
     */
    public static void dotRows(float[] a, int ao, int aStride, int m, float[] b, int bo, int bStride, int[] bRows,
                               int k, int samples, float[] c, int co) {
        if (SIMD) {
            Simd.dotRows(a, ao, aStride, m, b, bo, bStride, bRows, k, samples, c, co);
        } else {
            dotRowsScalar(a, ao, aStride, m, b, bo, bStride, bRows, k, samples, c, co);
        }
    }

    /** The reference of {@link #dotRows} (sums in plain order). */
    public static void dotRowsScalar(float[] a, int ao, int aStride, int m, float[] b, int bo, int bStride,
                                     int[] bRows, int k, int samples, float[] c, int co) {
        int n = bRows.length;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double t = 0;
                for (int s = 0; s < samples; s++) {
                    for (int p = 0; p < k; p++) {
                        t += (double) a[ao + s * aStride + i * k + p] * b[bo + s * bStride + bRows[j] + p];
                    }
                }
                c[co + i * n + j] += (float) t;
            }
        }
    }

    /** Row offsets {@code 0, k, 2k, ...} of {@code n} contiguous rows, for {@link #dotRows}. */
    public static int[] contiguousRows(int n, int k) {
        int[] rows = new int[n];
        for (int j = 0; j < n; j++) {
            rows[j] = j * k;
        }
        return rows;
    }

    /** The vector loops; a nested class so that nothing touches a vector type without the incubator module. */
    private static final class Simd {
        private static final VectorSpecies<Float> F = PanamaKernels.F;
        private static final int L = F.length();
        private static final int MR = 8;

        static void forward(float[] w, int outChannels, int rows, int[] rowOff, float[] xp, int xo, int rowStride,
                            int oh, int ow, float[] bias, float[] y, int yo) {
            float[] tile = new float[MR * 2 * L];
            int plane = oh * ow;
            for (int m0 = 0; m0 < outChannels; m0 += MR) {
                int mr = Math.min(MR, outChannels - m0);
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox += 2 * L) {
                        int n = Math.min(2 * L, ow - ox);
                        int b0 = xo + oy * rowStride + ox;
                        if (n > L) {
                            tile2(rows, w, m0 * rows, rows, mr, rowOff, xp, b0, tile);
                        } else {
                            tile1(rows, w, m0 * rows, rows, mr, rowOff, xp, b0, tile);
                        }
                        // rows of the tile to their channels: whole vectors when what spills past this output row
                        // stays in the channel's plane (on rows written later), masked otherwise
                        for (int i = 0; i < mr; i++) {
                            int d = yo + (m0 + i) * plane + oy * ow + ox;
                            boolean spill = oy < oh - 1 && d + ((n + L - 1) / L) * L <= yo + (m0 + i + 1) * plane;
                            FloatVector b = FloatVector.broadcast(F, bias == null ? 0f : bias[m0 + i]);
                            for (int j = 0; j < n; j += L) {
                                FloatVector v = FloatVector.fromArray(F, tile, i * 2 * L + j);
                                if (bias != null) {
                                    v = v.add(b);
                                }
                                if (spill) {
                                    v.intoArray(y, d + j);
                                } else {
                                    v.intoArray(y, d + j, PanamaKernels.firstLanes(n - j));
                                }
                            }
                        }
                    }
                }
            }
        }

        /** Eight channels (rows of w from {@code a0}, stride {@code lda}) by two vectors of positions, to the tile. */
        private static void tile2(int rows, float[] w, int a0, int lda, int mr, int[] rowOff, float[] xp, int b0,
                                  float[] tile) {
            int last = mr - 1;                      // rows past the last repeat it (min: no branch to trap on)
            int r0 = a0;
            int r1 = a0 + Math.min(1, last) * lda;
            int r2 = a0 + Math.min(2, last) * lda;
            int r3 = a0 + Math.min(3, last) * lda;
            int r4 = a0 + Math.min(4, last) * lda;
            int r5 = a0 + Math.min(5, last) * lda;
            int r6 = a0 + Math.min(6, last) * lda;
            int r7 = a0 + Math.min(7, last) * lda;
            FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
            FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
            FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
            FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
            FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
            FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
            FloatVector c60 = FloatVector.zero(F), c61 = FloatVector.zero(F);
            FloatVector c70 = FloatVector.zero(F), c71 = FloatVector.zero(F);
            for (int r = 0; r < rows; r++) {
                int bi = b0 + rowOff[r];
                FloatVector v0 = FloatVector.fromArray(F, xp, bi);
                FloatVector v1 = FloatVector.fromArray(F, xp, bi + L);
                FloatVector x0 = FloatVector.broadcast(F, w[r0 + r]);
                c00 = x0.fma(v0, c00);
                c01 = x0.fma(v1, c01);
                FloatVector x1 = FloatVector.broadcast(F, w[r1 + r]);
                c10 = x1.fma(v0, c10);
                c11 = x1.fma(v1, c11);
                FloatVector x2 = FloatVector.broadcast(F, w[r2 + r]);
                c20 = x2.fma(v0, c20);
                c21 = x2.fma(v1, c21);
                FloatVector x3 = FloatVector.broadcast(F, w[r3 + r]);
                c30 = x3.fma(v0, c30);
                c31 = x3.fma(v1, c31);
                FloatVector x4 = FloatVector.broadcast(F, w[r4 + r]);
                c40 = x4.fma(v0, c40);
                c41 = x4.fma(v1, c41);
                FloatVector x5 = FloatVector.broadcast(F, w[r5 + r]);
                c50 = x5.fma(v0, c50);
                c51 = x5.fma(v1, c51);
                FloatVector x6 = FloatVector.broadcast(F, w[r6 + r]);
                c60 = x6.fma(v0, c60);
                c61 = x6.fma(v1, c61);
                FloatVector x7 = FloatVector.broadcast(F, w[r7 + r]);
                c70 = x7.fma(v0, c70);
                c71 = x7.fma(v1, c71);
            }
            c00.intoArray(tile, 0);
            c01.intoArray(tile, L);
            c10.intoArray(tile, 2 * L);
            c11.intoArray(tile, 3 * L);
            c20.intoArray(tile, 4 * L);
            c21.intoArray(tile, 5 * L);
            c30.intoArray(tile, 6 * L);
            c31.intoArray(tile, 7 * L);
            c40.intoArray(tile, 8 * L);
            c41.intoArray(tile, 9 * L);
            c50.intoArray(tile, 10 * L);
            c51.intoArray(tile, 11 * L);
            c60.intoArray(tile, 12 * L);
            c61.intoArray(tile, 13 * L);
            c70.intoArray(tile, 14 * L);
            c71.intoArray(tile, 15 * L);
        }

        /** {@link #tile2} for one vector of positions (tile rows keep their stride of two vectors). */
        private static void tile1(int rows, float[] w, int a0, int lda, int mr, int[] rowOff, float[] xp, int b0,
                                  float[] tile) {
            int last = mr - 1;                      // rows past the last repeat it (min: no branch to trap on)
            int r0 = a0;
            int r1 = a0 + Math.min(1, last) * lda;
            int r2 = a0 + Math.min(2, last) * lda;
            int r3 = a0 + Math.min(3, last) * lda;
            int r4 = a0 + Math.min(4, last) * lda;
            int r5 = a0 + Math.min(5, last) * lda;
            int r6 = a0 + Math.min(6, last) * lda;
            int r7 = a0 + Math.min(7, last) * lda;
            FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F);
            FloatVector c3 = FloatVector.zero(F), c4 = FloatVector.zero(F), c5 = FloatVector.zero(F);
            FloatVector c6 = FloatVector.zero(F), c7 = FloatVector.zero(F);
            for (int r = 0; r < rows; r++) {
                FloatVector v = FloatVector.fromArray(F, xp, b0 + rowOff[r]);
                c0 = FloatVector.broadcast(F, w[r0 + r]).fma(v, c0);
                c1 = FloatVector.broadcast(F, w[r1 + r]).fma(v, c1);
                c2 = FloatVector.broadcast(F, w[r2 + r]).fma(v, c2);
                c3 = FloatVector.broadcast(F, w[r3 + r]).fma(v, c3);
                c4 = FloatVector.broadcast(F, w[r4 + r]).fma(v, c4);
                c5 = FloatVector.broadcast(F, w[r5 + r]).fma(v, c5);
                c6 = FloatVector.broadcast(F, w[r6 + r]).fma(v, c6);
                c7 = FloatVector.broadcast(F, w[r7 + r]).fma(v, c7);
            }
            c0.intoArray(tile, 0);
            c1.intoArray(tile, 2 * L);
            c2.intoArray(tile, 4 * L);
            c3.intoArray(tile, 6 * L);
            c4.intoArray(tile, 8 * L);
            c5.intoArray(tile, 10 * L);
            c6.intoArray(tile, 12 * L);
            c7.intoArray(tile, 14 * L);
        }

        /** Positions (or weight rows) per tile of the channels-major kernels: twelve accumulators. */
        private static final int P = 12;

        static void forwardChannels(float[] wt, int outChannels, int rows, int[] rowOff, float[] xp, int xo,
                                    int[] posOff, int positions, float[] bias, float[] y, int yo) {
            int ld = channelStride(outChannels);
            float[] tile = new float[P * L];
            for (int m0 = 0; m0 < outChannels; m0 += L) {
                int mr = Math.min(L, outChannels - m0);
                for (int p0 = 0; p0 < positions; p0 += P) {
                    int pn = Math.min(P, positions - p0);
                    int last = p0 + pn - 1;             // positions past the last repeat it; they are not stored
                    int q0 = xo + posOff[p0];
                    int q1 = xo + posOff[Math.min(p0 + 1, last)];
                    int q2 = xo + posOff[Math.min(p0 + 2, last)];
                    int q3 = xo + posOff[Math.min(p0 + 3, last)];
                    int q4 = xo + posOff[Math.min(p0 + 4, last)];
                    int q5 = xo + posOff[Math.min(p0 + 5, last)];
                    int q6 = xo + posOff[Math.min(p0 + 6, last)];
                    int q7 = xo + posOff[Math.min(p0 + 7, last)];
                    int q8 = xo + posOff[Math.min(p0 + 8, last)];
                    int q9 = xo + posOff[Math.min(p0 + 9, last)];
                    int q10 = xo + posOff[Math.min(p0 + 10, last)];
                    int q11 = xo + posOff[Math.min(p0 + 11, last)];
                    FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F);
                    FloatVector c3 = FloatVector.zero(F), c4 = FloatVector.zero(F), c5 = FloatVector.zero(F);
                    FloatVector c6 = FloatVector.zero(F), c7 = FloatVector.zero(F), c8 = FloatVector.zero(F);
                    FloatVector c9 = FloatVector.zero(F), c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
                    for (int r = 0; r < rows; r++) {
                        FloatVector v = FloatVector.fromArray(F, wt, r * ld + m0);
                        int o = rowOff[r];
                        c0 = FloatVector.broadcast(F, xp[q0 + o]).fma(v, c0);
                        c1 = FloatVector.broadcast(F, xp[q1 + o]).fma(v, c1);
                        c2 = FloatVector.broadcast(F, xp[q2 + o]).fma(v, c2);
                        c3 = FloatVector.broadcast(F, xp[q3 + o]).fma(v, c3);
                        c4 = FloatVector.broadcast(F, xp[q4 + o]).fma(v, c4);
                        c5 = FloatVector.broadcast(F, xp[q5 + o]).fma(v, c5);
                        c6 = FloatVector.broadcast(F, xp[q6 + o]).fma(v, c6);
                        c7 = FloatVector.broadcast(F, xp[q7 + o]).fma(v, c7);
                        c8 = FloatVector.broadcast(F, xp[q8 + o]).fma(v, c8);
                        c9 = FloatVector.broadcast(F, xp[q9 + o]).fma(v, c9);
                        c10 = FloatVector.broadcast(F, xp[q10 + o]).fma(v, c10);
                        c11 = FloatVector.broadcast(F, xp[q11 + o]).fma(v, c11);
                    }
                    c0.intoArray(tile, 0);
                    c1.intoArray(tile, L);
                    c2.intoArray(tile, 2 * L);
                    c3.intoArray(tile, 3 * L);
                    c4.intoArray(tile, 4 * L);
                    c5.intoArray(tile, 5 * L);
                    c6.intoArray(tile, 6 * L);
                    c7.intoArray(tile, 7 * L);
                    c8.intoArray(tile, 8 * L);
                    c9.intoArray(tile, 9 * L);
                    c10.intoArray(tile, 10 * L);
                    c11.intoArray(tile, 11 * L);
                    // the tile [position][channel] to the output's [channel][position]
                    for (int i = 0; i < mr; i++) {
                        float b = bias == null ? 0f : bias[m0 + i];
                        int d = yo + (m0 + i) * positions + p0;
                        for (int j = 0; j < pn; j++) {
                            y[d + j] = bias == null ? tile[j * L + i] : tile[j * L + i] + b;
                        }
                    }
                }
            }
        }

        static void weightGradChannels(float[] xp, int xo, int xStride, int[] rowOff, int rows, int[] posOff,
                                       int positions, float[] gyt, int go, int gStride, int channels, int samples,
                                       float[] gwt) {
            int ld = channelStride(channels);
            for (int m0 = 0; m0 < ld; m0 += L) {
                for (int r0 = 0; r0 < rows; r0 += P) {
                    int last = Math.min(rows, r0 + P) - 1;  // rows past the last repeat it
                    int o0 = rowOff[r0];
                    int o1 = rowOff[Math.min(r0 + 1, last)];
                    int o2 = rowOff[Math.min(r0 + 2, last)];
                    int o3 = rowOff[Math.min(r0 + 3, last)];
                    int o4 = rowOff[Math.min(r0 + 4, last)];
                    int o5 = rowOff[Math.min(r0 + 5, last)];
                    int o6 = rowOff[Math.min(r0 + 6, last)];
                    int o7 = rowOff[Math.min(r0 + 7, last)];
                    int o8 = rowOff[Math.min(r0 + 8, last)];
                    int o9 = rowOff[Math.min(r0 + 9, last)];
                    int o10 = rowOff[Math.min(r0 + 10, last)];
                    int o11 = rowOff[Math.min(r0 + 11, last)];
                    FloatVector c0 = FloatVector.fromArray(F, gwt, r0 * ld + m0);
                    FloatVector c1 = FloatVector.fromArray(F, gwt, Math.min(r0 + 1, last) * ld + m0);
                    FloatVector c2 = FloatVector.fromArray(F, gwt, Math.min(r0 + 2, last) * ld + m0);
                    FloatVector c3 = FloatVector.fromArray(F, gwt, Math.min(r0 + 3, last) * ld + m0);
                    FloatVector c4 = FloatVector.fromArray(F, gwt, Math.min(r0 + 4, last) * ld + m0);
                    FloatVector c5 = FloatVector.fromArray(F, gwt, Math.min(r0 + 5, last) * ld + m0);
                    FloatVector c6 = FloatVector.fromArray(F, gwt, Math.min(r0 + 6, last) * ld + m0);
                    FloatVector c7 = FloatVector.fromArray(F, gwt, Math.min(r0 + 7, last) * ld + m0);
                    FloatVector c8 = FloatVector.fromArray(F, gwt, Math.min(r0 + 8, last) * ld + m0);
                    FloatVector c9 = FloatVector.fromArray(F, gwt, Math.min(r0 + 9, last) * ld + m0);
                    FloatVector c10 = FloatVector.fromArray(F, gwt, Math.min(r0 + 10, last) * ld + m0);
                    FloatVector c11 = FloatVector.fromArray(F, gwt, Math.min(r0 + 11, last) * ld + m0);
                    for (int q = 0; q < samples; q++) {
                        int xs = xo + q * xStride;
                        int gs = go + q * gStride + m0;
                        for (int p = 0; p < positions; p++) {
                            FloatVector v = FloatVector.fromArray(F, gyt, gs + p * ld);
                            int b = xs + posOff[p];
                            c0 = FloatVector.broadcast(F, xp[b + o0]).fma(v, c0);
                            c1 = FloatVector.broadcast(F, xp[b + o1]).fma(v, c1);
                            c2 = FloatVector.broadcast(F, xp[b + o2]).fma(v, c2);
                            c3 = FloatVector.broadcast(F, xp[b + o3]).fma(v, c3);
                            c4 = FloatVector.broadcast(F, xp[b + o4]).fma(v, c4);
                            c5 = FloatVector.broadcast(F, xp[b + o5]).fma(v, c5);
                            c6 = FloatVector.broadcast(F, xp[b + o6]).fma(v, c6);
                            c7 = FloatVector.broadcast(F, xp[b + o7]).fma(v, c7);
                            c8 = FloatVector.broadcast(F, xp[b + o8]).fma(v, c8);
                            c9 = FloatVector.broadcast(F, xp[b + o9]).fma(v, c9);
                            c10 = FloatVector.broadcast(F, xp[b + o10]).fma(v, c10);
                            c11 = FloatVector.broadcast(F, xp[b + o11]).fma(v, c11);
                        }
                    }
                    // a repeated row computed the same sum from the same start: storing it again changes nothing
                    c0.intoArray(gwt, r0 * ld + m0);
                    c1.intoArray(gwt, Math.min(r0 + 1, last) * ld + m0);
                    c2.intoArray(gwt, Math.min(r0 + 2, last) * ld + m0);
                    c3.intoArray(gwt, Math.min(r0 + 3, last) * ld + m0);
                    c4.intoArray(gwt, Math.min(r0 + 4, last) * ld + m0);
                    c5.intoArray(gwt, Math.min(r0 + 5, last) * ld + m0);
                    c6.intoArray(gwt, Math.min(r0 + 6, last) * ld + m0);
                    c7.intoArray(gwt, Math.min(r0 + 7, last) * ld + m0);
                    c8.intoArray(gwt, Math.min(r0 + 8, last) * ld + m0);
                    c9.intoArray(gwt, Math.min(r0 + 9, last) * ld + m0);
                    c10.intoArray(gwt, Math.min(r0 + 10, last) * ld + m0);
                    c11.intoArray(gwt, Math.min(r0 + 11, last) * ld + m0);
                }
            }
        }

        static void dotRows(float[] a, int ao, int aStride, int m, float[] b, int bo, int bStride, int[] bRows,
                            int k, int samples, float[] c, int co) {
            int n = bRows.length;
            int mb = (m + 3) / 4;
            int nb = (n + 3) / 4;
            float[] acc = new float[mb * nb * 16 * L];
            float[] pad = new float[8 * L];
            int full = k / L * L;
            for (int s = 0; s < samples; s++) {
                int as = ao + s * aStride;
                int bs = bo + s * bStride;
                for (int bi = 0; bi < mb; bi++) {
                    // rows past the last re-read the first of the block; their sums are not stored
                    int a0 = as + 4 * bi * k;
                    int a1 = as + Math.min(4 * bi + 1, m - 1) * k;
                    int a2 = as + Math.min(4 * bi + 2, m - 1) * k;
                    int a3 = as + Math.min(4 * bi + 3, m - 1) * k;
                    for (int bj = 0; bj < nb; bj++) {
                        int b0 = bs + bRows[4 * bj];
                        int b1 = bs + bRows[Math.min(4 * bj + 1, n - 1)];
                        int b2 = bs + bRows[Math.min(4 * bj + 2, n - 1)];
                        int b3 = bs + bRows[Math.min(4 * bj + 3, n - 1)];
                        block(a, a0, a1, a2, a3, b, b0, b1, b2, b3, full, acc, (bi * nb + bj) * 16 * L);
                        if (full < k) {
                            blockTail(a, a0, a1, a2, a3, b, b0, b1, b2, b3, full, k, pad, acc,
                                    (bi * nb + bj) * 16 * L);
                        }
                    }
                }
            }
            // lanes added in a fixed order: a Vector API reduction may associate differently once compiled
            for (int bi = 0; bi < mb; bi++) {
                for (int bj = 0; bj < nb; bj++) {
                    int base = (bi * nb + bj) * 16 * L;
                    for (int ii = 0; ii < 4; ii++) {
                        for (int jj = 0; jj < 4; jj++) {
                            int i = 4 * bi + ii;
                            int j = 4 * bj + jj;
                            if (i < m && j < n) {
                                float t = 0;
                                for (int lane = 0; lane < L; lane++) {
                                    t += acc[base + (ii * 4 + jj) * L + lane];
                                }
                                c[co + i * n + j] += t;
                            }
                        }
                    }
                }
            }
        }

        /**
         * 4 x 4 dot products along k in whole vectors to {@code full} (the rest goes through {@link #blockTail}: with
         * a masked copy of this loop beside it, C1 gives up on the method, "out of virtual registers", and the
         * interpreter then runs it until C2 gets to it, a hundred times slower).
         */
        private static void block(float[] a, int a0, int a1, int a2, int a3, float[] b, int b0, int b1, int b2, int b3,
                                  int full, float[] acc, int o) {
            FloatVector c00 = FloatVector.fromArray(F, acc, o), c01 = FloatVector.fromArray(F, acc, o + L);
            FloatVector c02 = FloatVector.fromArray(F, acc, o + 2 * L), c03 = FloatVector.fromArray(F, acc, o + 3 * L);
            FloatVector c10 = FloatVector.fromArray(F, acc, o + 4 * L), c11 = FloatVector.fromArray(F, acc, o + 5 * L);
            FloatVector c12 = FloatVector.fromArray(F, acc, o + 6 * L), c13 = FloatVector.fromArray(F, acc, o + 7 * L);
            FloatVector c20 = FloatVector.fromArray(F, acc, o + 8 * L), c21 = FloatVector.fromArray(F, acc, o + 9 * L);
            FloatVector c22 = FloatVector.fromArray(F, acc, o + 10 * L), c23 = FloatVector.fromArray(F, acc, o + 11 * L);
            FloatVector c30 = FloatVector.fromArray(F, acc, o + 12 * L), c31 = FloatVector.fromArray(F, acc, o + 13 * L);
            FloatVector c32 = FloatVector.fromArray(F, acc, o + 14 * L), c33 = FloatVector.fromArray(F, acc, o + 15 * L);
            for (int p = 0; p < full; p += L) {
                FloatVector u0 = FloatVector.fromArray(F, b, b0 + p);
                FloatVector u1 = FloatVector.fromArray(F, b, b1 + p);
                FloatVector u2 = FloatVector.fromArray(F, b, b2 + p);
                FloatVector u3 = FloatVector.fromArray(F, b, b3 + p);
                FloatVector v = FloatVector.fromArray(F, a, a0 + p);
                c00 = v.fma(u0, c00);
                c01 = v.fma(u1, c01);
                c02 = v.fma(u2, c02);
                c03 = v.fma(u3, c03);
                v = FloatVector.fromArray(F, a, a1 + p);
                c10 = v.fma(u0, c10);
                c11 = v.fma(u1, c11);
                c12 = v.fma(u2, c12);
                c13 = v.fma(u3, c13);
                v = FloatVector.fromArray(F, a, a2 + p);
                c20 = v.fma(u0, c20);
                c21 = v.fma(u1, c21);
                c22 = v.fma(u2, c22);
                c23 = v.fma(u3, c23);
                v = FloatVector.fromArray(F, a, a3 + p);
                c30 = v.fma(u0, c30);
                c31 = v.fma(u1, c31);
                c32 = v.fma(u2, c32);
                c33 = v.fma(u3, c33);
            }
            c00.intoArray(acc, o);
            c01.intoArray(acc, o + L);
            c02.intoArray(acc, o + 2 * L);
            c03.intoArray(acc, o + 3 * L);
            c10.intoArray(acc, o + 4 * L);
            c11.intoArray(acc, o + 5 * L);
            c12.intoArray(acc, o + 6 * L);
            c13.intoArray(acc, o + 7 * L);
            c20.intoArray(acc, o + 8 * L);
            c21.intoArray(acc, o + 9 * L);
            c22.intoArray(acc, o + 10 * L);
            c23.intoArray(acc, o + 11 * L);
            c30.intoArray(acc, o + 12 * L);
            c31.intoArray(acc, o + 13 * L);
            c32.intoArray(acc, o + 14 * L);
            c33.intoArray(acc, o + 15 * L);
        }

        /**
         * The last {@code k - full} elements of the eight rows through {@link #block} as whole vectors: copied into
         * {@code pad} (eight rows of L, zero past the copies), so that no masked copy of the block's loop is needed.
         */
        private static void blockTail(float[] a, int a0, int a1, int a2, int a3, float[] b, int b0, int b1, int b2,
                                      int b3, int full, int k, float[] pad, float[] acc, int o) {
            int n = k - full;
            int[] from = {a0, a1, a2, a3, b0, b1, b2, b3};
            for (int i = 0; i < 8; i++) {
                System.arraycopy(i < 4 ? a : b, from[i] + full, pad, i * L, n);
            }
            block(pad, 0, L, 2 * L, 3 * L, pad, 4 * L, 5 * L, 6 * L, 7 * L, L, acc, o);
        }
    }
}
