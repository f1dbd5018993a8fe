package org.secateur.tensor.kernels;

/** An elementwise unary operation. {@link #apply} is the scalar definition every kernel is checked against. */
public enum UnaryOp {
    NEG {
        @Override
        public double apply(double x) {
            return -x;
        }
    },
    EXP {
        @Override
        public double apply(double x) {
            return Math.exp(x);
        }
    },
    LOG {
        @Override
        public double apply(double x) {
            return Math.log(x);
        }
    },
    SQRT {
        @Override
        public double apply(double x) {
            return Math.sqrt(x);
        }
    },
    TANH {
        @Override
        public double apply(double x) {
            return Math.tanh(x);
        }
    },
    /** The logistic function {@code 1 / (1 + e^-x)}, written so that it never overflows. */
    SIGMOID {
        @Override
        public double apply(double x) {
            if (x >= 0) {
                return 1 / (1 + Math.exp(-x));
            }
            double e = Math.exp(x);
            return e / (1 + e);
        }
    },
    ABS {
        @Override
        public double apply(double x) {
            return Math.abs(x);
        }
    },
    /** -1, 0 or 1. */
    SIGN {
        @Override
        public double apply(double x) {
            return Math.signum(x);
        }
    },
    RELU {
        @Override
        public double apply(double x) {
            return x > 0 ? x : 0;
        }
    },
    /** The indicator {@code x > 0}: ReLU's derivative. */
    STEP {
        @Override
        public double apply(double x) {
            return x > 0 ? 1 : 0;
        }
    },
    RECIPROCAL {
        @Override
        public double apply(double x) {
            return 1 / x;
        }
    },
    SQUARE {
        @Override
        public double apply(double x) {
            return x * x;
        }
    },
    /** The error function, to about 1e-15 (series near 0, continued fraction in the tails). */
    ERF {
        @Override
        public double apply(double x) {
            return Erf.erf(x);
        }
    };

    /** The operation on one element. */
    public abstract double apply(double x);
}
