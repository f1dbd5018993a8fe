package org.secateur.tensor.kernels;

/**
 * An elementwise binary operation. {@link #apply} is the scalar definition every kernel is checked against.
 * Comparisons return 1 for true and 0 for false.
 */
public enum BinaryOp {
    ADD {
        @Override
        public double apply(double a, double b) {
            return a + b;
        }
    },
    SUB {
        @Override
        public double apply(double a, double b) {
            return a - b;
        }
    },
    MUL {
        @Override
        public double apply(double a, double b) {
            return a * b;
        }
    },
    DIV {
        @Override
        public double apply(double a, double b) {
            return a / b;
        }
    },
    /** {@code max(a, b)}; NaN if either is NaN. */
    MAX {
        @Override
        public double apply(double a, double b) {
            return Math.max(a, b);
        }
    },
    MIN {
        @Override
        public double apply(double a, double b) {
            return Math.min(a, b);
        }
    },
    POW {
        @Override
        public double apply(double a, double b) {
            return Math.pow(a, b);
        }
    },
    GT {
        @Override
        public double apply(double a, double b) {
            return a > b ? 1 : 0;
        }
    },
    GE {
        @Override
        public double apply(double a, double b) {
            return a >= b ? 1 : 0;
        }
    },
    LT {
        @Override
        public double apply(double a, double b) {
            return a < b ? 1 : 0;
        }
    },
    LE {
        @Override
        public double apply(double a, double b) {
            return a <= b ? 1 : 0;
        }
    },
    EQ {
        @Override
        public double apply(double a, double b) {
            return a == b ? 1 : 0;
        }
    },
    NE {
        @Override
        public double apply(double a, double b) {
            return a != b ? 1 : 0;
        }
    };

    /** The operation on one pair of elements. */
    public abstract double apply(double a, double b);

    /** The operation in float32, as a float kernel must compute it (rounded once from the exact result). */
    public float apply(float a, float b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            default -> (float) apply((double) a, (double) b);
        };
    }

    /** Whether the result is a 0/1 indicator with no useful derivative. */
    public boolean isComparison() {
        return ordinal() >= GT.ordinal();
    }
}
