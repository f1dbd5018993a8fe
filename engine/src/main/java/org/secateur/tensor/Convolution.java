package org.secateur.tensor;

import org.secateur.tensor.kernels.BinaryOp;
import org.secateur.tensor.kernels.ConvKernels;
import org.secateur.tensor.kernels.Kernels;
import org.secateur.tensor.kernels.LaneConv;
import org.secateur.tensor.kernels.Parallel;
import org.secateur.tensor.kernels.Patches;

/**
 * Convolution as three bilinear primitives that are each other's derivatives, as in PyTorch:
 * {@code y = conv(x, W)}, the input gradient {@code T(g, W)} (a transposed convolution) and the weight gradient
 * {@code G(x, g)}. From {@code <g, conv(x, W)> = <T(g, W), x> = <G(x, g), W>}:
 * <ul>
 *   <li>{@code conv}: d/dx = {@code T(g, W)}, d/dW = {@code G(x, g)};
 *   <li>{@code T(g, W)} with upstream {@code u}: d/dg = {@code conv(u, W)}, d/dW = {@code G(u, g)};
 *   <li>{@code G(x, g)} with upstream {@code u}: d/dx = {@code T(g, u)}, d/dg = {@code conv(x, u)}.
 * </ul>
 * So the backward of each is made of the three, and derivatives of any order follow.
 *
 * <p>In float32 each picks the kernel that fills the vectors for its shape, and none writes a patch matrix larger
 * than a per-thread buffer (nothing of size {@code N x C*kh*kw x L} is ever allocated):
 * <ul>
 *   <li>stride 1 and wide output rows: an implicit GEMM reads the rows of a zero-padded copy of the input directly
 *       ({@link ConvKernels#forward}); the input gradient is the same kernel on the padded output gradient with the
 *       kernel flipped, and the weight gradient is a set of dot products of the output gradient's rows, widened to
 *       the padded rows, with windows of the padded input, which are the patch rows ({@link ConvKernels#dotRows});
 *   <li>batches of a vector's worth of samples or more: the samples in the vector lanes ({@link LaneConvolution}),
 *       for the forward when the implicit GEMM does not apply (any stride or dilation), and for the weight gradient
 *       with stride and dilation 1 along rows and kernels up to {@link LaneConv#WINDOW} wide;
 *   <li>a vector's worth of output channels (LeNet-5's second layer: 16 channels of 10 x 10 positions): the forward
 *       (of smaller batches) and the weight gradient with the channels in the vector lanes, windows read through
 *       offset tables, any stride or dilation ({@link ConvKernels#forwardChannels},
 *       {@link ConvKernels#weightGradChannels});
 *   <li>otherwise the patch matrices of a block of samples side by side and one GEMM for the block (a per-sample GEMM
 *       of {@code [16 x 150] . [150 x 100]} is too small for the micro-kernel), the input gradient's col2im as a
 *       register gather for stride 1 ({@link Patches}).
 * </ul>
 * Samples (or blocks of them) are split over threads. The weight gradient sums fixed blocks of samples separately and
 * adds the block sums in order, so its bits do not depend on the thread count; the choice of kernel depends only on
 * the shapes.
 */
final class Convolution {
    private Convolution() {}

    private static final Kernels K = Kernels.get();
    /** Sample blocks of the weight gradient: a constant, so that the summation order is too. */
    static final int BLOCKS = 8;

    /** A thread's buffers: patch matrices, and a block of outputs or output gradients, with room past each. */
    private static final class Workspace {
        float[] cols = new float[0];
        float[] block = new float[0];

        float[] cols(int n) {
            if (cols.length < n + Patches.SLACK) {
                cols = new float[n + Patches.SLACK];
            }
            return cols;
        }

        float[] block(int n) {
            if (block.length < n) {
                block = new float[n];
            }
            return block;
        }
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);
    /** A thread's buffer for a padded batch (read by all threads while the caller's convolution runs). */
    private static final ThreadLocal<float[][]> PAD = ThreadLocal.withInitial(() -> new float[1][]);

    static void check(Tensor x, Tensor w, Tensor b, Conv2dGeometry g) {
        int[] sx = x.shapeRef();
        int[] sw = w.shapeRef();
        if (sx.length != 4 || sw.length != 4 || sx[1] != g.channels() || sx[2] != g.height() || sx[3] != g.width()
                || sw[1] != g.channels() || sw[2] != g.kh() || sw[3] != g.kw()
                || (b != null && (b.rank() != 1 || b.size(0) != sw[0]))) {
            throw new IllegalArgumentException("conv2d: input " + Shape.str(sx) + ", weight " + Shape.str(sw)
                    + (b == null ? "" : ", bias " + Shape.str(b.shapeRef())) + " do not match " + g);
        }
        x.requireSameDtype(w);
    }

    static void checkTranspose(Tensor gy, Tensor w, Conv2dGeometry g) {
        int[] s = gy.shapeRef();
        int[] sw = w.shapeRef();
        if (s.length != 4 || sw.length != 4 || s[1] != sw[0] || s[2] != g.outHeight() || s[3] != g.outWidth()
                || sw[1] != g.channels() || sw[2] != g.kh() || sw[3] != g.kw()) {
            throw new IllegalArgumentException("convTranspose2d: input " + Shape.str(s) + " and weight "
                    + Shape.str(sw) + " do not match " + g);
        }
        gy.requireSameDtype(w);
    }

    private static Patches.Geometry patches(Conv2dGeometry g) {
        return new Patches.Geometry(g.channels(), g.height(), g.width(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(),
                g.pw(), g.dh(), g.dw(), g.outHeight(), g.outWidth());
    }

    /**
     * Whether the implicit-GEMM forward kernel suits a float32 tensor on this geometry: stride 1, and output rows
     * wide enough ({@code width}) to fill most lanes of its one- or two-vector tiles. Narrower rows go through
     * patch matrices and the packed GEMM, whose tiles run along all the positions of a sample.
     */
    private static boolean implicit(Tensor t, Conv2dGeometry g, int width) {
        return t.f() != null && g.sh() == 1 && g.sw() == 1 && width >= 24;
    }

    /**
     * Whether the channels-major kernels ({@link ConvKernels#forwardChannels}) suit a float32 layer with {@code o}
     * output channels: enough to fill a vector.
     */
    private static boolean channels(Tensor t, int o) {
        return t.f() != null && o >= ConvKernels.channelStride(1);
    }

    /** Offset of each output position's window in an input of {@code rowStride}-wide rows. */
    static int[] positionOffsets(Conv2dGeometry g, int rowStride) {
        int[] off = new int[g.positions()];
        for (int oy = 0, p = 0; oy < g.outHeight(); oy++) {
            for (int ox = 0; ox < g.outWidth(); ox++, p++) {
                off[p] = oy * g.sh() * rowStride + ox * g.sw();
            }
        }
        return off;
    }

    /**
     * Start of row {@code (c, ki, kj)} of the patch matrix in a padded buffer of planes of {@code rowStride}-wide rows:
     * {@code c * planeSize + ki * dh * rowStride + kj * dw}.
     */
    static int[] rowOffsets(int channels, int kh, int kw, int dh, int dw, int planeSize, int rowStride) {
        int[] off = new int[channels * kh * kw];
        for (int c = 0, r = 0; c < channels; c++) {
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++, r++) {
                    off[r] = c * planeSize + ki * dh * rowStride + kj * dw;
                }
            }
        }
        return off;
    }

    /** A batch copied with zero padding, as the implicit kernels read it. */
    private record Padded(float[] data, int planeSize, int rowStride) {
        /** The batch itself when there is no padding (for kernels that never read past a row), else {@link #of}. */
        static Padded ofExact(Tensor x, int ph, int pw) {
            int[] s = x.shapeRef();
            return ph == 0 && pw == 0 ? new Padded(x.f(), s[2] * s[3], s[3]) : of(x, ph, pw);
        }

        /**
         * Pads into this thread's buffer, planes split over threads: the result lives until the caller's next
         * convolution on this thread.
         */
        static Padded of(Tensor x, int ph, int pw) {
            int[] s = x.shapeRef();
            int planes = s[0] * s[1];
            int plane = (s[2] + 2 * ph) * (s[3] + 2 * pw);
            int size = planes * plane + ConvKernels.SLACK;
            float[] data = PAD.get()[0];
            if (data == null || data.length < size) {
                data = new float[size];
                PAD.get()[0] = data;
            }
            float[] xp = data;
            Parallel.forRange(planes, Math.max(1, (1 << 14) / plane), (p0, p1) ->
                    ConvKernels.padPlanes(x.f(), p0 * s[2] * s[3], p1 - p0, s[2], s[3], ph, pw, xp, p0 * plane));
            java.util.Arrays.fill(data, planes * plane, size, 0f);
            return new Padded(data, plane, s[3] + 2 * pw);
        }
    }

    /** Samples per parallel chunk: about 32k multiply-adds of GEMM per chunk at least. */
    private static int grain(long perSample) {
        return (int) Math.max(1, (1L << 15) / Math.max(1, perSample));
    }

    /**
     * Samples whose patch matrices go side by side into one GEMM ({@link Patches#im2col}): about 128k elements
     * (512 KB in float32, within L2) per block, at most {@code max}. Depends on the geometry and batch only, never on
     * the thread count, so neither do the sums.
     */
    private static int samplesPerBlock(int r, int l, int max) {
        return Math.max(1, Math.min(max, (1 << 17) / Math.max(1, r * l)));
    }

    /**
     * {@code [cnt, O, L]} from {@code src[so ...]} to {@code [O, cnt * L]} in {@code dst} (arrays of one primitive
     * type): the GEMM's layout, or back with {@code back} ({@code src} from 0, {@code dst} from {@code so}).
     */
    private static void regroup(Object src, int so, int o, int cnt, int l, Object dst, boolean back) {
        for (int c = 0; c < o; c++) {
            for (int q = 0; q < cnt; q++) {
                if (back) {
                    System.arraycopy(src, (c * cnt + q) * l, dst, so + (q * o + c) * l, l);
                } else {
                    System.arraycopy(src, so + (q * o + c) * l, dst, (c * cnt + q) * l, l);
                }
            }
        }
    }

    /** Adds {@code b[c]} to channel {@code c} of samples {@code [s, s + cnt)} of {@code y [N, O, L]}. */
    private static void addBias(Tensor y, Tensor b, int s, int cnt, int o, int l) {
        for (int i = s * o; i < (s + cnt) * o; i++) {
            if (y.f() != null) {
                K.binary(BinaryOp.ADD, y.f(), i * l, 1, b.f(), i % o, 0, y.f(), i * l, l);
            } else {
                K.binary(BinaryOp.ADD, y.d(), i * l, 1, b.d(), i % o, 0, y.d(), i * l, l);
            }
        }
    }

    /** {@code y = conv(x, W) (+ b)}: {@code y[n] = W [O, R] @ cols(x[n]) [R, L]}. */
    static final class Conv extends Function {
        private final Conv2dGeometry g;
        private final boolean bias;
        private Tensor x;
        private Tensor w;

        Conv(Conv2dGeometry g, boolean bias) {
            this.g = g;
            this.bias = bias;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            x = in[0];
            w = in[1];
            if (implicit(x, g, g.outWidth())) {
                return forwardImplicit(g, Padded.of(x, g.ph(), g.pw()), x.size(0), w, bias ? in[2] : null);
            }
            if (LaneConvolution.suits(x, g, x.size(0), w.size(0))) {
                return LaneConvolution.forward(g, x, w, bias ? in[2] : null);
            }
            if (channels(x, w.size(0))) {
                return forwardChannels(g, x, w, bias ? in[2] : null);
            }
            return forwardRaw(g, x, w, bias ? in[2] : null);
        }

        @Override
        protected Tensor[] backward(Tensor gy) {
            Tensor gx = needsGrad(0) ? new InputGrad(g).apply(gy, w) : null;
            Tensor gw = needsGrad(1) ? new WeightGrad(g).apply(x, gy) : null;
            if (!bias) {
                return new Tensor[] {gx, gw};
            }
            Tensor gb = needsGrad(2) ? gy.sum(new int[] {0, 2, 3}, false) : null;
            return new Tensor[] {gx, gw, gb};
        }

        @Override
        protected Tensor jvp(int input, Tensor v) {
            return switch (input) {
                case 0 -> new Conv(g, false).apply(v, w);
                case 1 -> new Conv(g, false).apply(x, v);
                default -> null;
            };
        }

        @Override
        public String name() {
            return "conv2d";
        }
    }

    /** The forward by implicit GEMM over a padded batch. */
    static Tensor forwardImplicit(Conv2dGeometry g, Padded xp, int n, Tensor w, Tensor b) {
        int o = w.size(0);
        int r = g.patchSize();
        int oh = g.outHeight();
        int ow = g.outWidth();
        int[] rowOff = rowOffsets(g.channels(), g.kh(), g.kw(), g.dh(), g.dw(), xp.planeSize(), xp.rowStride());
        int sampleSize = g.channels() * xp.planeSize();
        Tensor y = Tensor.uninitialized(DType.F32, new int[] {n, o, oh, ow});
        float[] bias = b == null ? null : b.f();
        Parallel.forRange(n, grain((long) o * r * oh * ow), (s0, s1) -> {
            for (int s = s0; s < s1; s++) {
                ConvKernels.forward(w.f(), o, r, rowOff, xp.data(), s * sampleSize, xp.rowStride(), oh, ow, bias, y.f(),
                        s * o * oh * ow);
            }
        });
        return y;
    }

    /** The forward with the output channels in the vector lanes ({@link ConvKernels#forwardChannels}). */
    static Tensor forwardChannels(Conv2dGeometry g, Tensor x, Tensor w, Tensor b) {
        int n = x.size(0);
        int o = w.size(0);
        int r = g.patchSize();
        int l = g.positions();
        Padded xp = Padded.ofExact(x, g.ph(), g.pw());
        int[] rowOff = rowOffsets(g.channels(), g.kh(), g.kw(), g.dh(), g.dw(), xp.planeSize(), xp.rowStride());
        int[] posOff = positionOffsets(g, xp.rowStride());
        int sampleSize = g.channels() * xp.planeSize();
        float[] wt = ConvKernels.channelsMajor(w.f(), o, r);
        float[] bias = b == null ? null : b.f();
        Tensor y = Tensor.uninitialized(DType.F32, new int[] {n, o, g.outHeight(), g.outWidth()});
        Parallel.forRange(n, grain((long) o * r * l), (s0, s1) -> {
            for (int s = s0; s < s1; s++) {
                ConvKernels.forwardChannels(wt, o, r, rowOff, xp.data(), s * sampleSize, posOff, l, bias, y.f(),
                        s * o * l);
            }
        });
        return y;
    }

    /**
     * The forward through patch matrices: per block of samples, {@code y[block] = W [O, R] @ cols(x[block])
     * [R, cnt * L]}, one GEMM for the whole block.
     */
    static Tensor forwardRaw(Conv2dGeometry g, Tensor x, Tensor w, Tensor b) {
        int n = x.size(0);
        int o = w.size(0);
        int r = g.patchSize();
        int l = g.positions();
        int chw = g.channels() * g.height() * g.width();
        int group = samplesPerBlock(r, l, n);
        Patches.Geometry pg = patches(g);
        Tensor y = Tensor.uninitialized(x.dtype(), new int[] {n, o, g.outHeight(), g.outWidth()});
        Parallel.forRange((n + group - 1) / group, grain((long) group * o * r * l), (b0, b1) -> {
            for (int blk = b0; blk < b1; blk++) {
                int s = blk * group;
                int cnt = Math.min(group, n - s);
                if (x.f() != null) {
                    Workspace ws = WORKSPACE.get();
                    float[] cols = ws.cols(r * cnt * l);
                    float[] out = ws.block(o * cnt * l);
                    Patches.im2col(pg, x.f(), s * chw, cnt, cols, 0, 0f);
                    K.gemm(false, false, o, cnt * l, r, w.f(), 0, cols, 0, out, 0, false);
                    regroup(out, s * o * l, o, cnt, l, y.f(), true);
                } else {
                    double[] cols = new double[r * cnt * l];
                    double[] out = new double[o * cnt * l];
                    Patches.im2col(pg, x.d(), s * chw, cnt, cols, 0, 0.0);
                    K.gemm(false, false, o, cnt * l, r, w.d(), 0, cols, 0, out, 0, false);
                    regroup(out, s * o * l, o, cnt, l, y.d(), true);
                }
                if (b != null) {
                    addBias(y, b, s, cnt, o, l);
                }
            }
        });
        return y;
    }

    /**
     * The input gradient (transposed convolution) {@code T(gy, W)}: {@code [N, O, oh, ow]} and {@code [O, C, kh, kw]}
     * to {@code [N, C, H, W]}, as col2im of {@code W^T [R, O] @ gy[n] [O, L]}.
     */
    static final class InputGrad extends Function {
        private final Conv2dGeometry g;
        private Tensor gy;
        private Tensor w;

        InputGrad(Conv2dGeometry g) {
            this.g = g;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            gy = in[0];
            w = in[1];
            int qh = g.dh() * (g.kh() - 1) - g.ph();
            int qw = g.dw() * (g.kw() - 1) - g.pw();
            if (implicit(gy, g, g.width()) && qh >= 0 && qw >= 0) {
                return forwardImplicit(qh, qw);
            }
            int n = gy.size(0);
            int o = w.size(0);
            int r = g.patchSize();
            int l = g.positions();
            int chw = g.channels() * g.height() * g.width();
            int group = samplesPerBlock(r, l, n);
            Patches.Geometry pg = patches(g);
            Tensor gx = Tensor.zeros(gy.dtype(), n, g.channels(), g.height(), g.width());
            Parallel.forRange((n + group - 1) / group, grain((long) group * o * r * l), (b0, b1) -> {
                for (int blk = b0; blk < b1; blk++) {
                    int s = blk * group;
                    int cnt = Math.min(group, n - s);
                    if (gy.f() != null) {
                        Workspace ws = WORKSPACE.get();
                        float[] gyb = ws.block(o * cnt * l);
                        // room before the patch rows: col2im's masked reads start up to a kernel width early
                        float[] cols = ws.cols(Patches.SLACK + r * cnt * l);
                        regroup(gy.f(), s * o * l, o, cnt, l, gyb, false);
                        K.gemm(true, false, r, cnt * l, o, w.f(), 0, gyb, 0, cols, Patches.SLACK, false);
                        Patches.col2im(pg, cols, Patches.SLACK, cnt, gx.f(), s * chw);
                    } else {
                        double[] gyb = new double[o * cnt * l];
                        double[] cols = new double[r * cnt * l];
                        regroup(gy.d(), s * o * l, o, cnt, l, gyb, false);
                        K.gemm(true, false, r, cnt * l, o, w.d(), 0, gyb, 0, cols, 0, false);
                        Patches.col2im(pg, cols, 0, cnt, gx.d(), s * chw);
                    }
                }
            });
            return gx;
        }

        /**
         * {@code gx[c, iy, ix] = sum_{o, ki, kj} w[o, c, kh-1-ki, kw-1-kj] gyp[o, iy + ki dh, ix + kj dw]}, where
         * {@code gyp} is {@code gy} padded by {@code q = d (k - 1) - p}: a forward convolution, channels swapped.
         */
        private Tensor forwardImplicit(int qh, int qw) {
            int n = gy.size(0);
            int o = w.size(0);
            int c = g.channels();
            int kh = g.kh();
            int kw = g.kw();
            float[] src = w.f();
            float[] flipped = new float[c * o * kh * kw];
            for (int oc = 0; oc < o; oc++) {
                for (int ci = 0; ci < c; ci++) {
                    for (int ki = 0; ki < kh; ki++) {
                        for (int kj = 0; kj < kw; kj++) {
                            flipped[((ci * o + oc) * kh + ki) * kw + kj] =
                                    src[((oc * c + ci) * kh + (kh - 1 - ki)) * kw + (kw - 1 - kj)];
                        }
                    }
                }
            }
            Padded gp = Padded.of(gy, qh, qw);
            int[] rowOff = rowOffsets(o, kh, kw, g.dh(), g.dw(), gp.planeSize(), gp.rowStride());
            int rows = o * kh * kw;
            int h = g.height();
            int wd = g.width();
            int sampleSize = o * gp.planeSize();
            Tensor gx = Tensor.uninitialized(DType.F32, new int[] {n, c, h, wd});
            Parallel.forRange(n, grain((long) c * rows * h * wd), (s0, s1) -> {
                for (int s = s0; s < s1; s++) {
                    ConvKernels.forward(flipped, c, rows, rowOff, gp.data(), s * sampleSize, gp.rowStride(), h, wd, null,
                            gx.f(), s * c * h * wd);
                }
            });
            return gx;
        }

        @Override
        protected Tensor[] backward(Tensor u) {
            Tensor ggy = needsGrad(0) ? new Conv(g, false).apply(u, w) : null;
            Tensor gw = needsGrad(1) ? new WeightGrad(g).apply(u, gy) : null;
            return new Tensor[] {ggy, gw};
        }

        @Override
        public String name() {
            return "convTranspose2d";
        }
    }

    /** What {@link #forEachGroup} runs for each group of samples. */
    @FunctionalInterface
    interface SampleGroup {
        /** Samples {@code [first, first + count)} of block {@code block}; {@code more} unless they open the block. */
        void run(int block, int first, int count, boolean more);
    }

    /**
     * Splits {@code n} samples into {@code blocks} fixed blocks (over threads) and each block into groups of at most
     * {@code group} samples, run in order: the blocks depend on the shapes only, so a sum per block added in block
     * order has the same bits on any thread count.
     */
    static void forEachGroup(int n, int blocks, int group, SampleGroup body) {
        Parallel.forRange(blocks, 1, (b0, b1) -> {
            for (int blk = b0; blk < b1; blk++) {
                int first = (int) ((long) n * blk / blocks);
                int last = (int) ((long) n * (blk + 1) / blocks);
                for (int s = first; s < last; s += group) {
                    body.run(blk, s, Math.min(group, last - s), s > first);
                }
            }
        });
    }

    /**
     * The weight gradient {@code G(x, gy)}: {@code [N, C, H, W]} and {@code [N, O, oh, ow]} to {@code [O, C, kh, kw]},
     * the sum over samples of {@code gy[n] [O, L] @ cols(x[n])^T [L, R]}.
     */
    static final class WeightGrad extends Function {
        private final Conv2dGeometry g;
        private Tensor x;
        private Tensor gy;

        WeightGrad(Conv2dGeometry g) {
            this.g = g;
        }

        /**
         * Fixed blocks of samples, each summed separately. In float32: channels-major for a vector's worth of output
         * channels ({@link #forwardChannels}), dot products with windows of the padded input for stride 1 and wide
         * rows ({@link #forwardWindows}), dot products with the patch rows of a few samples at a time for other long
         * rows ({@link ConvKernels#dotRows}); otherwise GEMMs {@code gy[group] [O, cnt * L] @ cols(x[group])^T} over
         * groups of samples side by side.
         */
        @Override
        protected Tensor forward(Tensor... in) {
            x = in[0];
            gy = in[1];
            if (LaneConvolution.suitsWeightGrad(x, g, x.size(0), gy.size(1))) {
                return LaneConvolution.weightGrad(g, x, gy);
            }
            if (channels(x, gy.size(1))) {
                return forwardChannels();
            }
            if (implicit(x, g, g.outWidth()) && (g.kw() - 1) * g.dw() <= ConvKernels.SLACK) {
                return forwardWindows();
            }
            int n = x.size(0);
            int o = gy.size(1);
            int r = g.patchSize();
            int l = g.positions();
            int chw = g.channels() * g.height() * g.width();
            int or = o * r;
            Patches.Geometry pg = patches(g);
            int blocks = Math.max(1, Math.min(BLOCKS, n));
            boolean dots = x.f() != null && l >= 256;
            int group = dots ? Math.max(1, Math.min(8, (1 << 18) / Math.max(1, r * l)))
                    : samplesPerBlock(r, l, (n + blocks - 1) / blocks);
            Tensor partial = Tensor.zeros(x.dtype(), blocks, or);
            int[] patchRows = ConvKernels.contiguousRows(r, l);
            forEachGroup(n, blocks, group, (blk, s, cnt, more) -> {
                if (dots) {
                    float[] cols = WORKSPACE.get().cols(cnt * r * l);
                    for (int q = 0; q < cnt; q++) {
                        Patches.im2col(pg, x.f(), (s + q) * chw, 1, cols, q * r * l, 0f);
                    }
                    ConvKernels.dotRows(gy.f(), s * o * l, o * l, o, cols, 0, r * l, patchRows, l, cnt,
                            partial.f(), blk * or);
                } else if (x.f() != null) {
                    Workspace ws = WORKSPACE.get();
                    float[] gyb = ws.block(o * cnt * l);
                    float[] cols = ws.cols(r * cnt * l);
                    regroup(gy.f(), s * o * l, o, cnt, l, gyb, false);
                    Patches.im2col(pg, x.f(), s * chw, cnt, cols, 0, 0f);
                    K.gemm(false, true, o, r, cnt * l, gyb, 0, cols, 0, partial.f(), blk * or, more);
                } else {
                    double[] gyb = new double[o * cnt * l];
                    double[] cols = new double[r * cnt * l];
                    regroup(gy.d(), s * o * l, o, cnt, l, gyb, false);
                    Patches.im2col(pg, x.d(), s * chw, cnt, cols, 0, 0.0);
                    K.gemm(false, true, o, r, cnt * l, gyb, 0, cols, 0, partial.d(), blk * or, more);
                }
            });
            Tensor gw = Tensor.uninitialized(x.dtype(), new int[] {o, g.channels(), g.kh(), g.kw()});
            if (gw.f() != null) {
                K.sum(partial.f(), 0, 1, blocks, or, gw.f(), 0);
            } else {
                K.sum(partial.d(), 0, 1, blocks, or, gw.d(), 0);
            }
            return gw;
        }

        /**
         * Stride 1, without patch matrices: over the padded input, output position {@code (oy, ox)} of patch row
         * {@code (c, ki, kj)} reads {@code xp[rowOff + oy*rowStride + ox]}, so with the output positions widened to
         * whole padded rows ({@code ox < rowStride}, the gradient zero past {@code ow}) every patch row is one
         * contiguous window of the padded sample, and the weight gradient is {@link ConvKernels#dotRows} of the
         * widened gradient rows with those windows. Fixed blocks of samples, each summed into its own partial.
         */
        private Tensor forwardWindows() {
            int n = x.size(0);
            int o = gy.size(1);
            int r = g.patchSize();
            int oh = g.outHeight();
            int ow = g.outWidth();
            int or = o * r;
            Padded xp = Padded.of(x, g.ph(), g.pw());
            int rs = xp.rowStride();
            int k = oh * rs;
            int[] windows = rowOffsets(g.channels(), g.kh(), g.kw(), g.dh(), g.dw(), xp.planeSize(), rs);
            int sampleSize = g.channels() * xp.planeSize();
            int blocks = Math.max(1, Math.min(BLOCKS, n));
            int group = Math.max(1, Math.min(8, (1 << 16) / Math.max(1, o * k)));
            float[] partial = new float[blocks * or];
            float[] gyf = gy.f();
            forEachGroup(n, blocks, group, (blk, s, cnt, more) -> {
                float[] wide = WORKSPACE.get().block(cnt * o * k);
                for (int row = 0; row < cnt * o * oh; row++) {
                    int src = s * o * oh * ow + row * ow;
                    int dst = row * rs;
                    for (int i = 0; i < ow; i++) {
                        wide[dst + i] = gyf[src + i];
                    }
                    for (int i = ow; i < rs; i++) {
                        wide[dst + i] = 0f;
                    }
                }
                ConvKernels.dotRows(wide, 0, o * k, o, xp.data(), s * sampleSize, sampleSize, windows, k, cnt,
                        partial, blk * or);
            });
            Tensor gw = Tensor.uninitialized(DType.F32, new int[] {o, g.channels(), g.kh(), g.kw()});
            K.sum(partial, 0, 1, blocks, or, gw.f(), 0);
            return gw;
        }

        /**
         * With the output channels in the vector lanes ({@link ConvKernels#weightGradChannels}): each fixed block of
         * samples has its output gradient transposed channels-major and summed into its own partial.
         */
        private Tensor forwardChannels() {
            int n = x.size(0);
            int o = gy.size(1);
            int r = g.patchSize();
            int l = g.positions();
            int ld = ConvKernels.channelStride(o);
            Padded xp = Padded.ofExact(x, g.ph(), g.pw());
            int[] rowOff = rowOffsets(g.channels(), g.kh(), g.kw(), g.dh(), g.dw(), xp.planeSize(), xp.rowStride());
            int[] posOff = positionOffsets(g, xp.rowStride());
            int sampleSize = g.channels() * xp.planeSize();
            int blocks = Math.max(1, Math.min(BLOCKS, n));
            float[] partial = new float[blocks * r * ld];
            float[] gyf = gy.f();
            forEachGroup(n, blocks, n, (blk, first, cnt, more) -> {
                float[] gyt = WORKSPACE.get().block(cnt * l * ld);
                for (int q = 0; q < cnt; q++) {
                    ConvKernels.channelsMajor(gyf, (first + q) * o * l, o, l, gyt, q * l * ld);
                }
                float[] acc = new float[r * ld];
                ConvKernels.weightGradChannels(xp.data(), first * sampleSize, sampleSize, rowOff, r, posOff, l, gyt,
                        0, l * ld, o, cnt, acc);
                System.arraycopy(acc, 0, partial, blk * r * ld, r * ld);
            });
            float[] total = new float[r * ld];
            K.sum(partial, 0, 1, blocks, r * ld, total, 0);
            Tensor gw = Tensor.uninitialized(DType.F32, new int[] {o, g.channels(), g.kh(), g.kw()});
            for (int m = 0; m < o; m++) {
                for (int ri = 0; ri < r; ri++) {
                    gw.f()[m * r + ri] = total[ri * ld + m];
                }
            }
            return gw;
        }

        @Override
        protected Tensor[] backward(Tensor u) {
            Tensor gx = needsGrad(0) ? new InputGrad(g).apply(gy, u) : null;
            Tensor ggy = needsGrad(1) ? new Conv(g, false).apply(x, u) : null;
            return new Tensor[] {gx, ggy};
        }

        @Override
        public String name() {
            return "conv2dWeightGrad";
        }
    }
}
