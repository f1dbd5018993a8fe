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

    /** Four rows by two vectors of accumulators stay in registers while the {@code k} terms stream past. */
    @Override
    public void subtractCombinations(int rows, double[] c, int k, double[] x, int xs, double[] y, int n) {
        if (rows != 4) {
            RowKernels.SCALAR.subtractCombinations(rows, c, k, x, xs, y, n);
            return;
        }
        int y1 = n;
        int y2 = 2 * n;
        int y3 = 3 * n;
        int t = 0;
        for (; t + 2 * L <= n; t += 2 * L) {
            DoubleVector a00 = DoubleVector.fromArray(D, y, t);
            DoubleVector a01 = DoubleVector.fromArray(D, y, t + L);
            DoubleVector a10 = DoubleVector.fromArray(D, y, y1 + t);
            DoubleVector a11 = DoubleVector.fromArray(D, y, y1 + t + L);
            DoubleVector a20 = DoubleVector.fromArray(D, y, y2 + t);
            DoubleVector a21 = DoubleVector.fromArray(D, y, y2 + t + L);
            DoubleVector a30 = DoubleVector.fromArray(D, y, y3 + t);
            DoubleVector a31 = DoubleVector.fromArray(D, y, y3 + t + L);
            for (int i = 0; i < k; i++) {
                DoubleVector x0 = DoubleVector.fromArray(D, x, i * xs + t);
                DoubleVector x1 = DoubleVector.fromArray(D, x, i * xs + t + L);
                DoubleVector b0 = DoubleVector.broadcast(D, -c[i]);
                DoubleVector b1 = DoubleVector.broadcast(D, -c[k + i]);
                DoubleVector b2 = DoubleVector.broadcast(D, -c[2 * k + i]);
                DoubleVector b3 = DoubleVector.broadcast(D, -c[3 * k + i]);
                a00 = x0.fma(b0, a00);
                a01 = x1.fma(b0, a01);
                a10 = x0.fma(b1, a10);
                a11 = x1.fma(b1, a11);
                a20 = x0.fma(b2, a20);
                a21 = x1.fma(b2, a21);
                a30 = x0.fma(b3, a30);
                a31 = x1.fma(b3, a31);
            }
            a00.intoArray(y, t);
            a01.intoArray(y, t + L);
            a10.intoArray(y, y1 + t);
            a11.intoArray(y, y1 + t + L);
            a20.intoArray(y, y2 + t);
            a21.intoArray(y, y2 + t + L);
            a30.intoArray(y, y3 + t);
            a31.intoArray(y, y3 + t + L);
        }
        for (; t < n; t++) {
            for (int r = 0; r < 4; r++) {
                double s = y[r * n + t];
                for (int i = 0; i < k; i++) {
                    s -= c[r * k + i] * x[i * xs + t];
                }
                y[r * n + t] = s;
            }
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
