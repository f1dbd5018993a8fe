package org.secateur.tensor;

import org.secateur.tensor.kernels.BinaryOp;
import org.secateur.tensor.kernels.Kernels;
import org.secateur.tensor.kernels.Parallel;
import org.secateur.tensor.kernels.UnaryOp;

/** Elementwise primitives: each forward next to its derivative, the derivative written in tensor operations. */
final class Elementwise {
    private Elementwise() {}

    private static final Kernels K = Kernels.get();
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    /**
     * Elements per parallel chunk of an elementwise pass: below about 64k the pass is memory-bound work of tens of
     * microseconds, which a second thread does not shorten.
     */
    static final int PARALLEL_GRAIN = 1 << 15;

    static Tensor binaryForward(BinaryOp op, Tensor a, Tensor b) {
        a.requireSameDtype(b);
        int[] out = Shape.broadcast(a.shapeRef(), b.shapeRef());
        Tensor r = Tensor.uninitialized(a.dtype(), out);
        int total = r.numel();
        if (total >= 2 * PARALLEL_GRAIN && java.util.Arrays.equals(a.shapeRef(), b.shapeRef())) {
            // same shapes: one flat pass, split over threads
            Parallel.forRange(total, PARALLEL_GRAIN, (from, to) -> {
                if (r.f() != null) {
                    K.binary(op, a.f(), from, 1, b.f(), from, 1, r.f(), from, to - from);
                } else {
                    K.binary(op, a.d(), from, 1, b.d(), from, 1, r.d(), from, to - from);
                }
            });
            return r;
        }
        broadcastInto(op, a, b, r);
        return r;
    }

    /**
     * {@code r = a op b}, both operands broadcast to {@code r}'s shape, a row at a time (rows split over threads);
     * {@code r} may be {@code a} itself when they have one shape.
     */
    static void broadcastInto(BinaryOp op, Tensor a, Tensor b, Tensor r) {
        Broadcast.forEachRow(r.shapeRef(), a.shapeRef(), b.shapeRef(), (ao, as, bo, bs, oo, n) -> {
            if (r.f() != null) {
                K.binary(op, a.f(), ao, as, b.f(), bo, bs, r.f(), oo, n);
            } else {
                K.binary(op, a.d(), ao, as, b.d(), bo, bs, r.d(), oo, n);
            }
        });
    }

    static Tensor unaryForward(UnaryOp op, Tensor x) {
        Tensor r = Tensor.uninitialized(x.dtype(), x.shapeRef().clone());
        Parallel.forRange(x.numel(), PARALLEL_GRAIN, (from, to) -> {
            if (x.f() != null) {
                K.unary(op, x.f(), from, r.f(), from, to - from);
            } else {
                K.unary(op, x.d(), from, r.d(), from, to - from);
            }
        });
        return r;
    }

    /** A comparison: a 0/1 tensor outside the graph. */
    static Tensor compare(BinaryOp op, Tensor a, Tensor b) {
        return binaryForward(op, a, b);
    }

    /** A piecewise-constant function (sign, step): its derivative is zero, so it is a constant. */
    static Tensor constantUnary(UnaryOp op, Tensor x) {
        return unaryForward(op, x);
    }

    /** {@code a + b}, {@code a - b}, {@code a * b}, {@code a / b}, {@code max}, {@code min}, with broadcasting. */
    static final class Binary extends Function {
        private final BinaryOp op;
        private Tensor a;
        private Tensor b;

        Binary(BinaryOp op) {
            this.op = op;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            a = in[0];
            b = in[1];
            return binaryForward(op, a, b);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            int[] sa = a.shapeRef();
            int[] sb = b.shapeRef();
            Tensor ga = null;
            Tensor gb = null;
            switch (op) {
                case ADD -> {
                    ga = needsGrad(0) ? g.sumTo(sa) : null;
                    gb = needsGrad(1) ? g.sumTo(sb) : null;
                }
                case SUB -> {
                    ga = needsGrad(0) ? g.sumTo(sa) : null;
                    gb = needsGrad(1) ? g.neg().sumTo(sb) : null;
                }
                case MUL -> {
                    ga = needsGrad(0) ? g.mul(b).sumTo(sa) : null;
                    gb = needsGrad(1) ? g.mul(a).sumTo(sb) : null;
                }
                case DIV -> {
                    // d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
                    ga = needsGrad(0) ? g.div(b).sumTo(sa) : null;
                    gb = needsGrad(1) ? g.mul(a).div(b.square()).neg().sumTo(sb) : null;
                }
                case MAX, MIN -> {
                    // The winner takes the gradient; the selection is a constant.
                    Tensor aWins = compare(op == BinaryOp.MAX ? BinaryOp.GE : BinaryOp.LE, a, b);
                    ga = needsGrad(0) ? g.mul(aWins).sumTo(sa) : null;
                    gb = needsGrad(1) ? g.mul(aWins.rsub(1)).sumTo(sb) : null;
                }
                default -> throw new IllegalStateException(op + " is not differentiable");
            }
            return new Tensor[] {ga, gb};
        }

        @Override
        public String name() {
            return op.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Smooth (or almost everywhere smooth) unary functions. */
    static final class Unary extends Function {
        private final UnaryOp op;
        private Tensor x;
        private Tensor y;

        Unary(UnaryOp op) {
            this.op = op;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            x = in[0];
            y = unaryForward(op, x);
            return y;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor gx = switch (op) {
                case NEG -> g.neg();
                case EXP -> g.mul(y);
                case LOG -> g.div(x);
                case SQRT -> g.div(y.mul(2));
                case TANH -> g.mul(y.square().rsub(1));
                case SIGMOID -> g.mul(y.mul(y.rsub(1)));
                case ABS -> g.mul(x.sign());
                case RELU -> Fused.enabled() ? new FusedOps.ReluGrad(x).apply(g) : g.mul(constantUnary(UnaryOp.STEP, x));
                case RECIPROCAL -> g.mul(y.square()).neg();
                case SQUARE -> g.mul(x.mul(2));
                case ERF -> g.mul(x.square().neg().exp().mul(TWO_OVER_SQRT_PI));
                default -> throw new IllegalStateException(op + " is not differentiable");
            };
            return new Tensor[] {gx};
        }

        @Override
        public String name() {
            return op.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** {@code x^p} for a constant exponent. */
    static final class Pow extends Function {
        private final double p;
        private Tensor x;

        Pow(double p) {
            this.p = p;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            x = in[0];
            return binaryForward(BinaryOp.POW, x, Tensor.scalar(p, x.dtype()));
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.mul(x.pow(p - 1).mul(p))};
        }
    }

    /** {@code cond ? a : b}; the condition is a constant. */
    static final class Where extends Function {
        private Tensor cond;
        private int[] sa;
        private int[] sb;

        @Override
        protected Tensor forward(Tensor... in) {
            cond = in[0];
            Tensor a = in[1];
            Tensor b = in[2];
            a.requireSameDtype(b);
            sa = a.shapeRef();
            sb = b.shapeRef();
            int[] out = Shape.broadcast(Shape.broadcast(cond.shapeRef(), sa), sb);
            Tensor c = expandRaw(cond, out);
            Tensor ea = expandRaw(a, out);
            Tensor eb = expandRaw(b, out);
            Tensor r = Tensor.uninitialized(a.dtype(), out);
            for (int i = 0, n = r.numel(); i < n; i++) {
                r.setFlat(i, c.getFlat(i) != 0 ? ea.getFlat(i) : eb.getFlat(i));
            }
            return r;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor zero = Tensor.scalar(0, g.dtype());
            Tensor ga = needsGrad(1) ? Tensor.where(cond, g, zero).sumTo(sa) : null;
            Tensor gb = needsGrad(2) ? Tensor.where(cond, zero, g).sumTo(sb) : null;
            return new Tensor[] {null, ga, gb};
        }
    }

    /** Broadcast copy outside the graph. */
    static Tensor expandRaw(Tensor t, int[] out) {
        if (java.util.Arrays.equals(t.shapeRef(), out)) {
            return t;
        }
        return ShapeOps.expandForward(t, out);
    }
}
