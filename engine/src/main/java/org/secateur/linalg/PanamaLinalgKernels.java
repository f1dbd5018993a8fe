package org.secateur.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link LinalgKernels} with the Vector API: whole vectors, then a scalar tail. The species is a {@code static final}
 * constant, as C2 needs to intrinsify the vector operations.
 */
final class PanamaLinalgKernels implements LinalgKernels {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int L = D.length();

    @Override
    public void axpy(double alpha, double[] x, int xo, double[] y, int yo, int n) {
        DoubleVector va = DoubleVector.broadcast(D, alpha);
        int bound = D.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            // mul then add, not fma: the same roundings as the scalar reference.
            DoubleVector.fromArray(D, y, yo + i).add(DoubleVector.fromArray(D, x, xo + i).mul(va))
                    .intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] += alpha * x[xo + i];
        }
    }
}
