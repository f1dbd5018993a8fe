package org.secateur.optim;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The update rules of {@link SGD} and {@link Adam} on float32 arrays in one pass with the Vector API: each vector of
 * floats is widened to float64 lanes, goes through the same operations in the same order as the rule's
 * {@code update}, and is rounded once when stored, so the bits are the reference's. The reference streams each chunk
 * through scalar widening and narrowing loops and the rule's own; this reads and writes each array once. Loaded only
 * when the Vector API module is enabled.
 */
final class VectorRules {
    private VectorRules() {}

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Floats with {@link #D}'s lane count, so that one conversion widens a vector of them. */
    private static final VectorSpecies<Float> F =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = D.length();

    /**
     * Updates the whole vectors of {@code [from, to)}: {@code w} and the momentum buffer {@code b} (null without
     * momentum) where {@code mask} (nullable) is nonzero; pruned entries keep their value and get zero momentum.
     * Returns where the scalar rule has to take over.
     */
    static int sgd(SGD sgd, float[] w, float[] g, float[] b, float[] mask, int from, int to, boolean first) {
        double lr = sgd.lr();
        double wd = sgd.weightDecay;
        double momentum = sgd.momentum;
        double keep = 1 - sgd.dampening;
        int end = from + (to - from) / L * L;
        for (int i = from; i < end; i += L) {
            DoubleVector w0 = widen(w, i);
            DoubleVector d = widen(g, i).add(w0.mul(wd));                  // d = g + weightDecay w
            DoubleVector w1;
            DoubleVector b1 = null;
            if (b == null) {
                w1 = w0.sub(d.mul(lr));
            } else {
                b1 = first ? d : widen(b, i).mul(momentum).add(d.mul(keep));
                w1 = w0.sub((sgd.nesterov ? d.add(b1.mul(momentum)) : b1).mul(lr));
            }
            if (mask != null) {
                VectorMask<Double> pruned = FloatVector.fromArray(F, mask, i).compare(VectorOperators.EQ, 0f).cast(D);
                w1 = w1.blend(w0, pruned);
                b1 = b1 == null ? null : b1.blend(0.0, pruned);
            }
            narrow(w1, w, i);
            if (b1 != null) {
                narrow(b1, b, i);
            }
        }
        return end;
    }

    /**
     * Adam's step on the whole vectors of {@code [from, to)}, with the moments {@code m} and {@code v}, where
     * {@code mask} (nullable) is nonzero; pruned entries keep their value and get zero moments. The step's scalars
     * are the caller's, computed as {@link Adam#update} computes them. Returns where the scalar rule takes over.
     */
    static int adam(Adam adam, float[] w, float[] g, float[] m, float[] v, float[] mask, int from, int to,
                    double stepSize, double bc2Sqrt, double coupledDecay, double shrink) {
        double beta1 = adam.beta1;
        double beta2 = adam.beta2;
        double eps = adam.eps;
        int end = from + (to - from) / L * L;
        for (int i = from; i < end; i += L) {
            DoubleVector w0 = widen(w, i);
            DoubleVector gi = widen(g, i).add(w0.mul(coupledDecay));
            DoubleVector m1 = widen(m, i).mul(beta1).add(gi.mul(1 - beta1));
            DoubleVector v1 = widen(v, i).mul(beta2).add(gi.mul(1 - beta2).mul(gi));
            DoubleVector w1 = w0.mul(shrink).sub(m1.mul(stepSize).div(v1.sqrt().div(bc2Sqrt).add(eps)));
            if (mask != null) {
                VectorMask<Double> pruned = FloatVector.fromArray(F, mask, i).compare(VectorOperators.EQ, 0f).cast(D);
                w1 = w1.blend(w0, pruned);
                m1 = m1.blend(0.0, pruned);
                v1 = v1.blend(0.0, pruned);
            }
            narrow(w1, w, i);
            narrow(m1, m, i);
            narrow(v1, v, i);
        }
        return end;
    }

    private static DoubleVector widen(float[] a, int i) {
        return (DoubleVector) FloatVector.fromArray(F, a, i).convertShape(VectorOperators.F2D, D, 0);
    }

    private static void narrow(DoubleVector v, float[] a, int i) {
        ((FloatVector) v.convertShape(VectorOperators.D2F, F, 0)).intoArray(a, i);
    }
}
