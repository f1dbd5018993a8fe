package org.secateur.sparsity.secondorder;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link RowKernels} with the Vector API: whole vectors, one {@code reduceLanes} after the loop, a scalar tail. */
final class PanamaRowKernels implements RowKernels {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int L = D.length();

    @Override
    public void axpy(double alpha, double[] x, int xo, double[] y, int yo, int n) {
        DoubleVector va = DoubleVector.broadcast(D, alpha);
        int bound = D.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            DoubleVector.fromArray(D, y, yo + i).add(DoubleVector.fromArray(D, x, xo + i).mul(va)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] += alpha * x[xo + i];
        }
    }

    @Override
    public double dot(double[] x, int xo, double[] y, int yo, int n) {
        DoubleVector acc = DoubleVector.zero(D);
        int bound = D.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            acc = acc.add(DoubleVector.fromArray(D, x, xo + i).mul(DoubleVector.fromArray(D, y, yo + i)));
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += x[xo + i] * y[yo + i];
        }
        return s;
    }
}
