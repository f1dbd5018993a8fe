package org.secateur.tensor;

import org.secateur.autograd.GradMode;
import org.secateur.tensor.kernels.BinaryOp;
import org.secateur.tensor.kernels.Kernels;
import org.secateur.tensor.kernels.Parallel;
import org.secateur.tensor.kernels.Pooling;
import org.secateur.tensor.kernels.UnaryOp;

/** The fused primitives behind {@link Fused}, each forward next to its backward (written in differentiable ops). */
final class FusedOps {
    private FusedOps() {}

    private static final Kernels K = Kernels.get();

    /** {@code x W^T (+ b)}: one GEMM, the bias added in place. Backward: two matrix products and a column sum. */
    static final class Linear extends Function {
        private final boolean bias;
        private Tensor x;
        private Tensor w;

        Linear(boolean bias) {
            this.bias = bias;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            x = in[0];
            w = in[1];
            x.requireSameDtype(w);
            int m = x.size(0);
            int k = x.size(1);
            int n = w.size(0);
            Tensor y = Tensor.uninitialized(x.dtype(), new int[] {m, n});
            if (y.f() != null) {
                K.gemm(false, true, m, n, k, x.f(), 0, w.f(), 0, y.f(), 0, false);
            } else {
                K.gemm(false, true, m, n, k, x.d(), 0, w.d(), 0, y.d(), 0, false);
            }
            if (bias) {
                Elementwise.broadcastInto(BinaryOp.ADD, y, in[2], y);     // the bias row added to every row
            }
            return y;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor gx = needsGrad(0) ? g.matmul(w) : null;
            Tensor gw = needsGrad(1) ? g.matmul(x, true, false) : null;
            if (!bias) {
                return new Tensor[] {gx, gw};
            }
            return new Tensor[] {gx, gw, needsGrad(2) ? g.sum(0, false) : null};
        }

        @Override
        protected Tensor jvp(int input, Tensor v) {
            return switch (input) {
                case 0 -> new Linear(false).apply(v, w);
                case 1 -> new Linear(false).apply(x, v);
                default -> null;
            };
        }

        @Override
        public String name() {
            return "linear";
        }
    }

    /** One row's {@code log sum exp}, in double, shifted by the row maximum. NaN rows give NaN. */
    private static double logSumExp(float[] x, int off, int c) {
        float m = x[off];
        for (int j = 1; j < c; j++) {
            m = Math.max(m, x[off + j]);
        }
        if (m == Float.NEGATIVE_INFINITY || m == Float.POSITIVE_INFINITY) {
            return m;
        }
        double s = 0;
        for (int j = 0; j < c; j++) {
            s += Math.exp(x[off + j] - (double) m);
        }
        return m + Math.log(s);
    }

    private static double logSumExp(double[] x, int off, int c) {
        double m = x[off];
        for (int j = 1; j < c; j++) {
            m = Math.max(m, x[off + j]);
        }
        if (Double.isInfinite(m)) {
            return m;
        }
        double s = 0;
        for (int j = 0; j < c; j++) {
            s += Math.exp(x[off + j] - m);
        }
        return m + Math.log(s);
    }

    /** Writes {@code exp(x - lse)} for each row of {@code x [n, c]} to {@code p} (probabilities). */
    private static void softmaxRows(Tensor x, Tensor p, int n, int c) {
        if (x.f() != null) {
            float[] a = x.f();
            float[] out = p.f();
            for (int i = 0; i < n; i++) {
                double lse = logSumExp(a, i * c, c);
                for (int j = 0; j < c; j++) {
                    out[i * c + j] = (float) Math.exp(a[i * c + j] - lse);
                }
            }
        } else {
            double[] a = x.d();
            double[] out = p.d();
            for (int i = 0; i < n; i++) {
                double lse = logSumExp(a, i * c, c);
                for (int j = 0; j < c; j++) {
                    out[i * c + j] = Math.exp(a[i * c + j] - lse);
                }
            }
        }
    }

    /** Softmax along the rows of a matrix. Backward: {@code y * (g - sum(g * y))}, in tensor operations. */
    static final class Softmax extends Function {
        private Tensor y;

        @Override
        protected Tensor forward(Tensor... in) {
            Tensor x = in[0];
            int n = x.size(0);
            int c = x.size(1);
            y = Tensor.uninitialized(x.dtype(), new int[] {n, c});
            softmaxRows(x, y, n, c);
            return y;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {y.mul(g.sub(g.mul(y).sum(1, true)))};
        }

        @Override
        public String name() {
            return "softmax";
        }
    }

    /**
     * Mean softmax cross-entropy against integer labels. Forward: per row, {@code lse - x[label]}, averaged; the
     * probabilities are kept. Backward: {@code (softmax(x) - onehot) * g / N}, in one pass from the kept
     * probabilities, or, when the backward itself is being recorded (second order), with a differentiable
     * {@link Softmax} of the logits; both give the same values.
     */
    static final class SoftmaxCrossEntropy extends Function {
        private final int[] labels;
        private Tensor logits;
        private Tensor p;

        SoftmaxCrossEntropy(int[] labels) {
            this.labels = labels;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            logits = in[0];
            int n = logits.size(0);
            int c = logits.size(1);
            Tensor probs = Tensor.uninitialized(logits.dtype(), new int[] {n, c});
            p = probs;
            Tensor x = logits;
            // rows over threads, each row's loss kept and added in row order below: the same bits on any split
            double[] rowLoss = new double[n];
            Parallel.forRange(n, Math.max(1, (1 << 12) / Math.max(1, c)), (i0, i1) -> {
                for (int i = i0; i < i1; i++) {
                    if (x.f() != null) {
                        double lse = logSumExp(x.f(), i * c, c);
                        rowLoss[i] = lse - x.f()[i * c + labels[i]];
                        for (int j = 0; j < c; j++) {
                            probs.f()[i * c + j] = (float) Math.exp(x.f()[i * c + j] - lse);
                        }
                    } else {
                        double lse = logSumExp(x.d(), i * c, c);
                        rowLoss[i] = lse - x.d()[i * c + labels[i]];
                        for (int j = 0; j < c; j++) {
                            probs.d()[i * c + j] = Math.exp(x.d()[i * c + j] - lse);
                        }
                    }
                }
            });
            double total = 0;
            for (double l : rowLoss) {
                total += l;
            }
            return Tensor.scalar(total / n, logits.dtype());
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            int n = logits.size(0);
            int c = logits.size(1);
            Tensor onehot = Tensor.zeros(logits.dtype(), n, c);
            for (int i = 0; i < n; i++) {
                onehot.setFlat(i * c + labels[i], 1);
            }
            if (GradMode.isEnabled()) {
                Tensor probs = new Softmax().apply(logits);
                return new Tensor[] {probs.sub(onehot).mul(g.div(n))};
            }
            Tensor gx = Tensor.uninitialized(logits.dtype(), new int[] {n, c});
            if (gx.f() != null) {
                float s = g.f()[0] / n;
                float[] prob = p.f();
                float[] oh = onehot.f();
                float[] out = gx.f();
                for (int i = 0; i < out.length; i++) {
                    out[i] = (prob[i] - oh[i]) * s;
                }
            } else {
                double s = g.d()[0] / n;
                double[] prob = p.d();
                double[] oh = onehot.d();
                double[] out = gx.d();
                for (int i = 0; i < out.length; i++) {
                    out[i] = (prob[i] - oh[i]) * s;
                }
            }
            return new Tensor[] {gx};
        }

        @Override
        public String name() {
            return "crossEntropy";
        }
    }

    /** ReLU's derivative applied to a gradient: {@code g * (x > 0)} in one pass; {@code x} is a constant. */
    static final class ReluGrad extends Function {
        private final Tensor x;

        ReluGrad(Tensor x) {
            this.x = x;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            Tensor g = in[0];
            Tensor out = Tensor.uninitialized(g.dtype(), g.shapeRef().clone());
            Parallel.forRange(g.numel(), Elementwise.PARALLEL_GRAIN, (from, to) -> {
                if (g.f() != null) {
                    K.reluGrad(g.f(), from, x.f(), from, out.f(), from, to - from);
                } else {
                    K.reluGrad(g.d(), from, x.d(), from, out.d(), from, to - from);
                }
            });
            return out;
        }

        @Override
        protected Tensor[] backward(Tensor gg) {
            return new Tensor[] {new ReluGrad(x).apply(gg)};
        }

        @Override
        public String name() {
            return "reluGrad";
        }
    }

    /**
     * Max pooling read straight from the input: for each window, the first maximum in window order (NaN counts as
     * the maximum; padding is minus infinity and, should it win, takes no gradient), and its index in the plane.
     * With {@code relu}, the pooling of {@code relu(x)}: each element inside the plane goes through ReLU as it is
     * read, and a window whose maximum is not positive takes no gradient (its winner's ReLU has derivative 0).
     */
    static final class MaxPool extends Function {
        private final Conv2dGeometry g;
        private final boolean relu;
        private int[] arg;
        private int[] inShape;

        MaxPool(Conv2dGeometry g, boolean relu) {
            this.g = g;
            this.relu = relu;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            Tensor x = in[0];
            inShape = x.shapeRef();
            int planes = inShape[0] * inShape[1];
            int oh = g.outHeight();
            int ow = g.outWidth();
            int hw = g.height() * g.width();
            int ohw = oh * ow;
            Tensor y = Tensor.uninitialized(x.dtype(), new int[] {inShape[0], inShape[1], oh, ow});
            arg = new int[planes * ohw];
            int grain = Math.max(1, (1 << 15) / Math.max(1, ohw * g.kh() * g.kw()));
            Parallel.forRange(planes, grain, (p0, p1) -> {
                if (x.f() != null && twoByTwo()) {
                    Pooling.maxPool2x2(x.f(), p0 * hw, p1 - p0, g.height(), g.width(), y.f(), p0 * ohw, arg, p0 * ohw,
                            relu);
                    return;
                }
                if (x.d() != null) {
                    for (int p = p0; p < p1; p++) {
                        pool(x.d(), p * hw, y.d(), p * ohw, arg, p * ohw);
                    }
                    return;
                }
                // float32 windows other than 2 x 2 go through the float64 loop a plane at a time: widening is exact,
                // the comparisons and ReLU are the same, and the winner narrows back to the value it came from
                float[] xf = x.f();
                float[] yf = y.f();
                double[] plane = new double[hw];
                double[] pooled = new double[ohw];
                for (int p = p0; p < p1; p++) {
                    for (int i = 0; i < hw; i++) {
                        plane[i] = xf[p * hw + i];
                    }
                    pool(plane, 0, pooled, 0, arg, p * ohw);
                    for (int i = 0; i < ohw; i++) {
                        yf[p * ohw + i] = (float) pooled[i];
                    }
                }
            });
            return y;
        }

        /** The common case with a vector kernel: a {@code 2 x 2} window, stride 2, no padding. */
        private boolean twoByTwo() {
            return g.kh() == 2 && g.kw() == 2 && g.sh() == 2 && g.sw() == 2 && g.ph() == 0 && g.pw() == 0
                    && g.dh() == 1 && g.dw() == 1;
        }

        private void pool(double[] x, int xo, double[] y, int yo, int[] arg, int ao) {
            int oh = g.outHeight();
            int ow = g.outWidth();
            int w = g.width();
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double best = 0;
                    int bestIdx = -1;
                    boolean first = true;
                    for (int ki = 0; ki < g.kh(); ki++) {
                        int iy = oy * g.sh() - g.ph() + ki * g.dh();
                        for (int kj = 0; kj < g.kw(); kj++) {
                            int ix = ox * g.sw() - g.pw() + kj * g.dw();
                            boolean inside = iy >= 0 && iy < g.height() && ix >= 0 && ix < w;
                            double v = inside ? x[xo + iy * w + ix] : Double.NEGATIVE_INFINITY;
                            if (relu && inside) {
                                v = UnaryOp.RELU.apply(v);
                            }
                            if (first || (best == best && (v > best || v != v))) {
                                best = v;
                                bestIdx = inside ? iy * w + ix : -1;
                                first = false;
                            }
                        }
                    }
                    y[yo + oy * ow + ox] = best;
                    arg[ao + oy * ow + ox] = relu && !(best > 0) ? -1 : bestIdx;
                }
            }
        }

        @Override
        protected Tensor[] backward(Tensor gy) {
            if (twoByTwo() && gy.f() != null) {
                return new Tensor[] {new Unpool2x2(arg, g.height(), g.width(), inShape).apply(gy)};
            }
            return new Tensor[] {new PlaneScatter(arg, g.height() * g.width(), inShape).apply(gy)};
        }

        @Override
        public String name() {
            return relu ? "reluMaxPool2d" : "maxPool2d";
        }
    }

    /**
     * {@link PlaneScatter} for {@code 2 x 2} windows with stride 2, which tile the plane: each window's gradient goes
     * to its winner and zero to the rest, written densely by a vector kernel. Its adjoint is {@link PlaneGather}.
     */
    static final class Unpool2x2 extends Function {
        private final int[] arg;
        private final int h;
        private final int w;
        private final int[] target;
        private int[] sourceShape;

        Unpool2x2(int[] arg, int h, int w, int[] target) {
            this.arg = arg;
            this.h = h;
            this.w = w;
            this.target = target;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            Tensor s = in[0];
            sourceShape = s.shapeRef();
            Tensor y = Tensor.uninitialized(s.dtype(), target);
            int planes = target[0] * target[1];
            int per = (h / 2) * (w / 2);
            int hw = h * w;
            float[] src = s.f();
            float[] dst = y.f();
            int grain = Math.max(1, (1 << 14) / Math.max(1, hw));
            Parallel.forRange(planes, grain,
                    (p0, p1) -> Pooling.unpool2x2(src, p0 * per, arg, p0 * per, p1 - p0, h, w, dst, p0 * hw));
            return y;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {new PlaneGather(arg, h * w, sourceShape).apply(g)};
        }

        @Override
        public String name() {
            return "maxUnpool2d";
        }
    }

    /**
     * Adds each element of {@code [N, C, oh, ow]} into zeros of shape {@code target [N, C, H, W]} at its plane's
     * position {@code arg} (-1: nowhere). Its adjoint is {@link PlaneGather}.
     */
    static final class PlaneScatter extends Function {
        private final int[] arg;
        private final int planeSize;
        private final int[] target;
        private int[] sourceShape;

        PlaneScatter(int[] arg, int planeSize, int[] target) {
            this.arg = arg;
            this.planeSize = planeSize;
            this.target = target;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            Tensor s = in[0];
            sourceShape = s.shapeRef();
            Tensor y = Tensor.zeros(s.dtype(), target);
            int per = arg.length / (target[0] * target[1]);
            if (s.f() != null) {
                float[] src = s.f();
                float[] dst = y.f();
                for (int p = 0, i = 0; i < arg.length; p++) {
                    int base = p * planeSize;
                    for (int end = i + per; i < end; i++) {
                        int a = arg[i];
                        if (a >= 0) {
                            dst[base + a] += src[i];
                        }
                    }
                }
            } else {
                double[] src = s.d();
                double[] dst = y.d();
                for (int p = 0, i = 0; i < arg.length; p++) {
                    int base = p * planeSize;
                    for (int end = i + per; i < end; i++) {
                        int a = arg[i];
                        if (a >= 0) {
                            dst[base + a] += src[i];
                        }
                    }
                }
            }
            return y;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {new PlaneGather(arg, planeSize, sourceShape).apply(g)};
        }
    }

    /** Reads {@code [N, C, H, W]} at each plane position {@code arg} into {@code shape} (0 where -1). */
    static final class PlaneGather extends Function {
        private final int[] arg;
        private final int planeSize;
        private final int[] shape;
        private int[] sourceShape;

        PlaneGather(int[] arg, int planeSize, int[] shape) {
            this.arg = arg;
            this.planeSize = planeSize;
            this.shape = shape;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            Tensor s = in[0];
            sourceShape = s.shapeRef();
            Tensor y = Tensor.zeros(s.dtype(), shape);
            int per = arg.length / (shape[0] * shape[1]);
            if (s.f() != null) {
                float[] src = s.f();
                float[] dst = y.f();
                for (int p = 0, i = 0; i < arg.length; p++) {
                    int base = p * planeSize;
                    for (int end = i + per; i < end; i++) {
                        int a = arg[i];
                        if (a >= 0) {
                            dst[i] = src[base + a];
                        }
                    }
                }
            } else {
                double[] src = s.d();
                double[] dst = y.d();
                for (int p = 0, i = 0; i < arg.length; p++) {
                    int base = p * planeSize;
                    for (int end = i + per; i < end; i++) {
                        int a = arg[i];
                        if (a >= 0) {
                            dst[i] = src[base + a];
                        }
                    }
                }
            }
            return y;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {new PlaneScatter(arg, planeSize, sourceShape).apply(g)};
        }
    }
}
