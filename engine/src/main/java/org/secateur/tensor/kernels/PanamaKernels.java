package org.secateur.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 kernels on the Vector API (float64 falls through to the scalar reference). One species, chosen once
 * as a {@code static final} constant: a species held anywhere else costs 10-25x. Each loop runs whole vectors
 * up to {@code loopBound}, then finishes the tail with scalar code.
 */
final class PanamaKernels extends ScalarKernels {

    /** The preferred species, or the width given by {@code -Dsecateur.vector.bits} (e.g. 256 to compare). */
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.vectorBitSize()
            == Integer.getInteger("secateur.vector.bits", FloatVector.SPECIES_PREFERRED.vectorBitSize())
            ? FloatVector.SPECIES_PREFERRED
            : VectorSpecies.of(float.class, jdk.incubator.vector.VectorShape.forBitSize(
                    Integer.getInteger("secateur.vector.bits")));

    private static final int L = F.length();
    /** Integer lanes of {@link #F}'s shape, for work on a float's bits. */
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** A float32's exponent field. */
    private static final int EXPONENT = 0x7f800000;
    /** 0, 1, ..., L - 1. */
    private static final float[] LANE_INDEX = new float[L];

    static {
        for (int i = 0; i < L; i++) {
            LANE_INDEX[i] = i;
        }
    }

    /**
     * The mask of lanes {@code [0, n)}: all for {@code n >= L}, none for {@code n <= 0}. A compare against the lane
     * indices, which C2 compiles to one instruction; {@code indexInRange} with bounds known only at run time was a
     * call in the profiles of the convolution and pooling loops (JDK 25), a large share of their time.
     */
    static VectorMask<Float> firstLanes(int n) {
        return FloatVector.fromArray(F, LANE_INDEX, 0).compare(VectorOperators.LT, (float) n);
    }

    /** The mask of lanes {@code [lo, hi)}, by compares as {@link #firstLanes}. */
    static VectorMask<Float> lanes(int lo, int hi) {
        FloatVector i = FloatVector.fromArray(F, LANE_INDEX, 0);
        return i.compare(VectorOperators.GE, (float) lo).and(i.compare(VectorOperators.LT, (float) hi));
    }

    @Override
    public void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        if (n < L) {
            super.binary(op, a, ao, as, b, bo, bs, out, oo, n);
            return;
        }
        // One loop per operator, each with its Vector API operator as a constant: an operator passed as an argument
        // is not intrinsified and falls back to per-lane Java code (about 20x slower).
        switch (op) {
            case ADD -> add(a, ao, as, b, bo, bs, out, oo, n);
            case SUB -> sub(a, ao, as, b, bo, bs, out, oo, n);
            case MUL -> mul(a, ao, as, b, bo, bs, out, oo, n);
            case DIV -> div(a, ao, as, b, bo, bs, out, oo, n);
            case MAX -> max(a, ao, as, b, bo, bs, out, oo, n);
            case MIN -> min(a, ao, as, b, bo, bs, out, oo, n);
            case GT -> compareGT(a, ao, as, b, bo, bs, out, oo, n);
            case GE -> compareGE(a, ao, as, b, bo, bs, out, oo, n);
            case LT -> compareLT(a, ao, as, b, bo, bs, out, oo, n);
            case LE -> compareLE(a, ao, as, b, bo, bs, out, oo, n);
            case EQ -> compareEQ(a, ao, as, b, bo, bs, out, oo, n);
            case NE -> compareNE(a, ao, as, b, bo, bs, out, oo, n);
            default -> super.binary(op, a, ao, as, b, bo, bs, out, oo, n);
        }
    }

    private static void add(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        if (as == 1 && bs == 1) {
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                x.add(y).intoArray(out, oo + i);
            }
        } else if (as == 1) {
            FloatVector y = FloatVector.broadcast(F, b[bo]);
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                x.add(y).intoArray(out, oo + i);
            }
        } else if (bs == 1) {
            FloatVector x = FloatVector.broadcast(F, a[ao]);
            for (; i < bound; i += L) {
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                x.add(y).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) {
            out[oo + i] = a[ao + i * as] + b[bo + i * bs];
        }
    }

    private static void sub(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        if (as == 1 && bs == 1) {
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                x.sub(y).intoArray(out, oo + i);
            }
        } else if (as == 1) {
            FloatVector y = FloatVector.broadcast(F, b[bo]);
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                x.sub(y).intoArray(out, oo + i);
            }
        } else if (bs == 1) {
            FloatVector x = FloatVector.broadcast(F, a[ao]);
            for (; i < bound; i += L) {
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                x.sub(y).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) {
            out[oo + i] = a[ao + i * as] - b[bo + i * bs];
        }
    }

    private static void mul(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        if (as == 1 && bs == 1) {
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                x.mul(y).intoArray(out, oo + i);
            }
        } else if (as == 1) {
            FloatVector y = FloatVector.broadcast(F, b[bo]);
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                x.mul(y).intoArray(out, oo + i);
            }
        } else if (bs == 1) {
            FloatVector x = FloatVector.broadcast(F, a[ao]);
            for (; i < bound; i += L) {
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                x.mul(y).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) {
            out[oo + i] = a[ao + i * as] * b[bo + i * bs];
        }
    }

    private static void div(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        if (as == 1 && bs == 1) {
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                x.div(y).intoArray(out, oo + i);
            }
        } else if (as == 1) {
            FloatVector y = FloatVector.broadcast(F, b[bo]);
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                x.div(y).intoArray(out, oo + i);
            }
        } else if (bs == 1) {
            FloatVector x = FloatVector.broadcast(F, a[ao]);
            for (; i < bound; i += L) {
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                x.div(y).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) {
            out[oo + i] = a[ao + i * as] / b[bo + i * bs];
        }
    }

    private static void max(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        if (as == 1 && bs == 1) {
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                x.lanewise(VectorOperators.MAX, y).intoArray(out, oo + i);
            }
        } else if (as == 1) {
            FloatVector y = FloatVector.broadcast(F, b[bo]);
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                x.lanewise(VectorOperators.MAX, y).intoArray(out, oo + i);
            }
        } else if (bs == 1) {
            FloatVector x = FloatVector.broadcast(F, a[ao]);
            for (; i < bound; i += L) {
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                x.lanewise(VectorOperators.MAX, y).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) {
            out[oo + i] = Math.max(a[ao + i * as], b[bo + i * bs]);
        }
    }

    private static void min(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        if (as == 1 && bs == 1) {
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                x.lanewise(VectorOperators.MIN, y).intoArray(out, oo + i);
            }
        } else if (as == 1) {
            FloatVector y = FloatVector.broadcast(F, b[bo]);
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                x.lanewise(VectorOperators.MIN, y).intoArray(out, oo + i);
            }
        } else if (bs == 1) {
            FloatVector x = FloatVector.broadcast(F, a[ao]);
            for (; i < bound; i += L) {
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                x.lanewise(VectorOperators.MIN, y).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) {
            out[oo + i] = Math.min(a[ao + i * as], b[bo + i * bs]);
        }
    }

    private static void compareGT(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        if (as == 1 && bs == 1) {
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                FloatVector.zero(F).blend(FloatVector.broadcast(F, 1f), x.compare(VectorOperators.GT, y)).intoArray(out, oo + i);
            }
        } else if (as == 1) {
            FloatVector y = FloatVector.broadcast(F, b[bo]);
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                FloatVector.zero(F).blend(FloatVector.broadcast(F, 1f), x.compare(VectorOperators.GT, y)).intoArray(out, oo + i);
            }
        } else if (bs == 1) {
            FloatVector x = FloatVector.broadcast(F, a[ao]);
            for (; i < bound; i += L) {
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                FloatVector.zero(F).blend(FloatVector.broadcast(F, 1f), x.compare(VectorOperators.GT, y)).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) {
            out[oo + i] = BinaryOp.GT.apply(a[ao + i * as], b[bo + i * bs]);
        }
    }

    private static void compareGE(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        if (as == 1 && bs == 1) {
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                FloatVector.zero(F).blend(FloatVector.broadcast(F, 1f), x.compare(VectorOperators.GE, y)).intoArray(out, oo + i);
            }
        } else if (as == 1) {
            FloatVector y = FloatVector.broadcast(F, b[bo]);
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                FloatVector.zero(F).blend(FloatVector.broadcast(F, 1f), x.compare(VectorOperators.GE, y)).intoArray(out, oo + i);
            }
        } else if (bs == 1) {
            FloatVector x = FloatVector.broadcast(F, a[ao]);
            for (; i < bound; i += L) {
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                FloatVector.zero(F).blend(FloatVector.broadcast(F, 1f), x.compare(VectorOperators.GE, y)).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) {
            out[oo + i] = BinaryOp.GE.apply(a[ao + i * as], b[bo + i * bs]);
        }
    }

    private static void compareLT(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        if (as == 1 && bs == 1) {
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                FloatVector.zero(F).blend(FloatVector.broadcast(F, 1f), x.compare(VectorOperators.LT, y)).intoArray(out, oo + i);
            }
        } else if (as == 1) {
            FloatVector y = FloatVector.broadcast(F, b[bo]);
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                FloatVector.zero(F).blend(FloatVector.broadcast(F, 1f), x.compare(VectorOperators.LT, y)).intoArray(out, oo + i);
            }
        } else if (bs == 1) {
            FloatVector x = FloatVector.broadcast(F, a[ao]);
            for (; i < bound; i += L) {
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                FloatVector.zero(F).blend(FloatVector.broadcast(F, 1f), x.compare(VectorOperators.LT, y)).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) {
            out[oo + i] = BinaryOp.LT.apply(a[ao + i * as], b[bo + i * bs]);
        }
    }

    private static void compareLE(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        if (as == 1 && bs == 1) {
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                FloatVector.zero(F).blend(FloatVector.broadcast(F, 1f), x.compare(VectorOperators.LE, y)).intoArray(out, oo + i);
            }
        } else if (as == 1) {
            FloatVector y = FloatVector.broadcast(F, b[bo]);
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                FloatVector.zero(F).blend(FloatVector.broadcast(F, 1f), x.compare(VectorOperators.LE, y)).intoArray(out, oo + i);
            }
        } else if (bs == 1) {
            FloatVector x = FloatVector.broadcast(F, a[ao]);
            for (; i < bound; i += L) {
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                FloatVector.zero(F).blend(FloatVector.broadcast(F, 1f), x.compare(VectorOperators.LE, y)).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) {
            out[oo + i] = BinaryOp.LE.apply(a[ao + i * as], b[bo + i * bs]);
        }
    }

    private static void compareEQ(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        if (as == 1 && bs == 1) {
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                FloatVector.zero(F).blend(FloatVector.broadcast(F, 1f), x.compare(VectorOperators.EQ, y)).intoArray(out, oo + i);
            }
        } else if (as == 1) {
            FloatVector y = FloatVector.broadcast(F, b[bo]);
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                FloatVector.zero(F).blend(FloatVector.broadcast(F, 1f), x.compare(VectorOperators.EQ, y)).intoArray(out, oo + i);
            }
        } else if (bs == 1) {
            FloatVector x = FloatVector.broadcast(F, a[ao]);
            for (; i < bound; i += L) {
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                FloatVector.zero(F).blend(FloatVector.broadcast(F, 1f), x.compare(VectorOperators.EQ, y)).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) {
            out[oo + i] = BinaryOp.EQ.apply(a[ao + i * as], b[bo + i * bs]);
        }
    }

    private static void compareNE(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        if (as == 1 && bs == 1) {
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                FloatVector.zero(F).blend(FloatVector.broadcast(F, 1f), x.compare(VectorOperators.NE, y)).intoArray(out, oo + i);
            }
        } else if (as == 1) {
            FloatVector y = FloatVector.broadcast(F, b[bo]);
            for (; i < bound; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, ao + i);
                FloatVector.zero(F).blend(FloatVector.broadcast(F, 1f), x.compare(VectorOperators.NE, y)).intoArray(out, oo + i);
            }
        } else if (bs == 1) {
            FloatVector x = FloatVector.broadcast(F, a[ao]);
            for (; i < bound; i += L) {
                FloatVector y = FloatVector.fromArray(F, b, bo + i);
                FloatVector.zero(F).blend(FloatVector.broadcast(F, 1f), x.compare(VectorOperators.NE, y)).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) {
            out[oo + i] = BinaryOp.NE.apply(a[ao + i * as], b[bo + i * bs]);
        }
    }

    @Override
    public void unary(UnaryOp op, float[] x, int xo, float[] out, int oo, int n) {
        if (n < L) {
            super.unary(op, x, xo, out, oo, n);
            return;
        }
        // EXP, LOG, TANH and SIGMOID stay on the scalar reference: the Vector API computes them with a native
        // library (SVML) once C2 has compiled the loop but per lane with Math before that, and the two differ in the
        // last bit, so results would depend on JIT timing and a training run would not repeat bit for bit.
        switch (op) {
            case NEG -> unaryNEG(x, xo, out, oo, n);
            case SQRT -> unarySQRT(x, xo, out, oo, n);
            case ABS -> unaryABS(x, xo, out, oo, n);
            case RELU -> relu(x, xo, out, oo, n);
            case STEP -> step(x, xo, out, oo, n);
            case RECIPROCAL -> reciprocal(x, xo, out, oo, n);
            case SQUARE -> square(x, xo, out, oo, n);
            default -> super.unary(op, x, xo, out, oo, n);
        }
    }

    private static void unaryNEG(float[] x, int xo, float[] out, int oo, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(F, x, xo + i).lanewise(VectorOperators.NEG).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            out[oo + i] = (float) UnaryOp.NEG.apply(x[xo + i]);
        }
    }

    private static void unarySQRT(float[] x, int xo, float[] out, int oo, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(F, x, xo + i).lanewise(VectorOperators.SQRT).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            out[oo + i] = (float) UnaryOp.SQRT.apply(x[xo + i]);
        }
    }

    private static void unaryABS(float[] x, int xo, float[] out, int oo, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(F, x, xo + i).lanewise(VectorOperators.ABS).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            out[oo + i] = (float) UnaryOp.ABS.apply(x[xo + i]);
        }
    }

    private static void relu(float[] x, int xo, float[] out, int oo, int n) {
        FloatVector zero = FloatVector.zero(F);
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xo + i);
            // blend rather than max: max(NaN, 0) would be NaN where ReLU's definition (x > 0 ? x : 0) gives 0
            zero.blend(v, v.compare(VectorOperators.GT, zero)).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            out[oo + i] = (float) UnaryOp.RELU.apply(x[xo + i]);
        }
    }

    private static void step(float[] x, int xo, float[] out, int oo, int n) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xo + i);
            zero.blend(one, v.compare(VectorOperators.GT, zero)).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            out[oo + i] = (float) UnaryOp.STEP.apply(x[xo + i]);
        }
    }

    private static void reciprocal(float[] x, int xo, float[] out, int oo, int n) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            one.div(FloatVector.fromArray(F, x, xo + i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            out[oo + i] = (float) UnaryOp.RECIPROCAL.apply(x[xo + i]);
        }
    }

    private static void square(float[] x, int xo, float[] out, int oo, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xo + i);
            v.mul(v).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            out[oo + i] = x[xo + i] * x[xo + i];
        }
    }

    @Override
    public void sum(float[] x, int xo, int outer, int r, int inner, float[] out, int oo) {
        if (r == 0) {
            java.util.Arrays.fill(out, oo, oo + outer * inner, 0f);
            return;
        }
        if (inner == 1) {
            for (int o = 0; o < outer; o++) {
                out[oo + o] = sumContiguous(x, xo + o * r, r);
            }
            return;
        }
        // Accumulate whole rows: out[o, :] += x[o, i, :].
        for (int o = 0; o < outer; o++) {
            int dst = oo + o * inner;
            System.arraycopy(x, xo + o * r * inner, out, dst, inner);
            for (int i = 1; i < r; i++) {
                addInto(x, xo + (o * r + i) * inner, out, dst, inner);
            }
        }
    }

    private static float sumContiguous(float[] x, int off, int n) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        int i = 0;
        int bound2 = n - n % (2 * L);
        for (; i < bound2; i += 2 * L) {
            s0 = s0.add(FloatVector.fromArray(F, x, off + i));
            s1 = s1.add(FloatVector.fromArray(F, x, off + i + L));
        }
        if (i + L <= n) {
            s0 = s0.add(FloatVector.fromArray(F, x, off + i));
            i += L;
        }
        float s = sumLanes(s0.add(s1));
        for (; i < n; i++) {
            s += x[off + i];
        }
        return s;
    }

    /**
     * The lanes of {@code v} added in lane order. Not {@code reduceLanes}: once compiled it may associate the sum
     * differently from its interpreted form, and results must not depend on JIT timing.
     */
    private static float sumLanes(FloatVector v) {
        float[] lanes = v.toArray();
        float s = 0;
        for (float x : lanes) {
            s += x;
        }
        return s;
    }

    private static void addInto(float[] x, int xo, float[] y, int yo, int n) {
        int bound = F.loopBound(n);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector.fromArray(F, x, xo + j).add(FloatVector.fromArray(F, y, yo + j)).intoArray(y, yo + j);
        }
        for (; j < n; j++) {
            y[yo + j] += x[xo + j];
        }
    }

    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        FloatVector s2 = FloatVector.zero(F);
        FloatVector s3 = FloatVector.zero(F);
        int i = 0;
        int bound4 = n - n % (4 * L);
        for (; i < bound4; i += 4 * L) {
            s0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), s0);
            s1 = FloatVector.fromArray(F, a, ao + i + L).fma(FloatVector.fromArray(F, b, bo + i + L), s1);
            s2 = FloatVector.fromArray(F, a, ao + i + 2 * L).fma(FloatVector.fromArray(F, b, bo + i + 2 * L), s2);
            s3 = FloatVector.fromArray(F, a, ao + i + 3 * L).fma(FloatVector.fromArray(F, b, bo + i + 3 * L), s3);
        }
        for (; i + L <= n; i += L) {
            s0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), s0);
        }
        float s = sumLanes(s0.add(s1).add(s2.add(s3)));
        for (; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    /**
     * A value is NaN or infinite exactly when its exponent bits are all ones, the largest exponent field there is:
     * the lanes keep the maximum exponent field seen, with no branch per vector.
     */
    @Override
    public boolean allFinite(float[] x, int xo, int n) {
        IntVector e0 = IntVector.zero(I);
        IntVector e1 = IntVector.zero(I);
        int i = 0;
        for (int bound = n - n % (2 * L); i < bound; i += 2 * L) {
            e0 = e0.max(FloatVector.fromArray(F, x, xo + i).reinterpretAsInts().and(EXPONENT));
            e1 = e1.max(FloatVector.fromArray(F, x, xo + i + L).reinterpretAsInts().and(EXPONENT));
        }
        if (e0.max(e1).reduceLanes(VectorOperators.MAX) == EXPONENT) {
            return false;
        }
        for (; i < n; i++) {
            if (!Float.isFinite(x[xo + i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector va = FloatVector.broadcast(F, alpha);
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(F, x, xo + i).fma(va, FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] += alpha * x[xo + i];
        }
    }

    @Override
    public void reluGrad(float[] g, int go, float[] x, int xo, float[] out, int oo, int n) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector step = zero.blend(one, FloatVector.fromArray(F, x, xo + i).compare(VectorOperators.GT, zero));
            FloatVector.fromArray(F, g, go + i).mul(step).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            out[oo + i] = g[go + i] * (x[xo + i] > 0 ? 1f : 0f);
        }
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int ao, float[] b, int bo,
                     float[] c, int co, boolean accumulate) {
        PanamaGemm.gemm(transA, transB, m, n, k, a, ao, b, bo, c, co, accumulate);
    }
}
