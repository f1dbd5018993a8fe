package org.secateur.tensor;

import org.secateur.tensor.kernels.BinaryOp;
import org.secateur.tensor.kernels.Kernels;
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
 * <p>Each works per sample with the patch matrix of that sample in a per-thread buffer (it stays in cache, and
 * nothing of size {@code N x C*kh*kw x L} is ever allocated), one GEMM per sample, and samples split over threads.
 * The weight gradient sums fixed blocks of samples separately and adds the block sums in order, so its bits do not
 * depend on the thread count.
 */
final class Convolution {
    private Convolution() {}

    private static final Kernels K = Kernels.get();
    /** Sample blocks of the weight gradient: a constant, so that the summation order is too. */
    private static final int BLOCKS = 8;

    /** A thread's patch-matrix buffer, with room past the matrix for whole-vector copies. */
    private static final class Workspace {
        float[] cols = new float[0];

        float[] cols(int n) {
            if (cols.length < n + Patches.SLACK) {
                cols = new float[n + Patches.SLACK];
            }
            return cols;
        }

        void im2col(Patches.Geometry pg, float[] x, int xo) {
            Patches.im2col(pg, x, xo, cols, 0, 0f);
        }
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

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

    /** Samples per parallel chunk: about 32k multiply-adds of GEMM per chunk at least. */
    private static int grain(long perSample) {
        return (int) Math.max(1, (1L << 15) / Math.max(1, perSample));
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
        public String name() {
            return "conv2d";
        }
    }

    static Tensor forwardRaw(Conv2dGeometry g, Tensor x, Tensor w, Tensor b) {
        int n = x.size(0);
        int o = w.size(0);
        int r = g.patchSize();
        int l = g.positions();
        int chw = g.channels() * g.height() * g.width();
        Patches.Geometry pg = patches(g);
        Tensor y = Tensor.uninitialized(x.dtype(), new int[] {n, o, g.outHeight(), g.outWidth()});
        Parallel.forRange(n, grain((long) o * r * l), (s0, s1) -> {
            if (x.f() != null) {
                Workspace ws = WORKSPACE.get();
                float[] cols = ws.cols(r * l);
                for (int s = s0; s < s1; s++) {
                    ws.im2col(pg, x.f(), s * chw);
                    K.gemm(false, false, o, l, r, w.f(), 0, cols, 0, y.f(), s * o * l, false);
                    if (b != null) {
                        for (int c = 0; c < o; c++) {
                            K.binary(BinaryOp.ADD, y.f(), (s * o + c) * l, 1, b.f(), c, 0, y.f(), (s * o + c) * l, l);
                        }
                    }
                }
            } else {
                double[] cols = new double[r * l];
                for (int s = s0; s < s1; s++) {
                    Patches.im2col(pg, x.d(), s * chw, cols, 0, 0.0);
                    K.gemm(false, false, o, l, r, w.d(), 0, cols, 0, y.d(), s * o * l, false);
                    if (b != null) {
                        for (int c = 0; c < o; c++) {
                            K.binary(BinaryOp.ADD, y.d(), (s * o + c) * l, 1, b.d(), c, 0, y.d(), (s * o + c) * l, l);
                        }
                    }
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
            int n = gy.size(0);
            int o = w.size(0);
            int r = g.patchSize();
            int l = g.positions();
            int chw = g.channels() * g.height() * g.width();
            Patches.Geometry pg = patches(g);
            Tensor gx = Tensor.zeros(gy.dtype(), n, g.channels(), g.height(), g.width());
            Parallel.forRange(n, grain((long) o * r * l), (s0, s1) -> {
                if (gy.f() != null) {
                    Workspace ws = WORKSPACE.get();
                    float[] cols = ws.cols(r * l);
                    for (int s = s0; s < s1; s++) {
                        K.gemm(true, false, r, l, o, w.f(), 0, gy.f(), s * o * l, cols, 0, false);
                        Patches.col2im(pg, cols, 0, gx.f(), s * chw);
                    }
                } else {
                    double[] cols = new double[r * l];
                    for (int s = s0; s < s1; s++) {
                        K.gemm(true, false, r, l, o, w.d(), 0, gy.d(), s * o * l, cols, 0, false);
                        Patches.col2im(pg, cols, 0, gx.d(), s * chw);
                    }
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

        @Override
        protected Tensor forward(Tensor... in) {
            x = in[0];
            gy = in[1];
            int n = x.size(0);
            int o = gy.size(1);
            int r = g.patchSize();
            int l = g.positions();
            int chw = g.channels() * g.height() * g.width();
            int or = o * r;
            Patches.Geometry pg = patches(g);
            int blocks = Math.max(1, Math.min(BLOCKS, n));
            Tensor partial = Tensor.zeros(x.dtype(), blocks, or);
            Parallel.forRange(blocks, 1, (b0, b1) -> {
                for (int blk = b0; blk < b1; blk++) {
                    int first = (int) ((long) n * blk / blocks);
                    int last = (int) ((long) n * (blk + 1) / blocks);
                    if (x.f() != null) {
                        Workspace ws = WORKSPACE.get();
                        float[] cols = ws.cols(r * l);
                        for (int s = first; s < last; s++) {
                            ws.im2col(pg, x.f(), s * chw);
                            K.gemm(false, true, o, r, l, gy.f(), s * o * l, cols, 0, partial.f(), blk * or, s > first);
                        }
                    } else {
                        double[] cols = new double[r * l];
                        for (int s = first; s < last; s++) {
                            Patches.im2col(pg, x.d(), s * chw, cols, 0, 0.0);
                            K.gemm(false, true, o, r, l, gy.d(), s * o * l, cols, 0, partial.d(), blk * or, s > first);
                        }
                    }
                }
            });
            Tensor gw = Tensor.uninitialized(x.dtype(), new int[] {o, g.channels(), g.kh(), g.kw()});
            if (gw.f() != null) {
                K.sum(partial.f(), 1, blocks, or, gw.f());
            } else {
                K.sum(partial.d(), 1, blocks, or, gw.d());
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
