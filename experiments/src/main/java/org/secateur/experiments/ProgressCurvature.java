package org.secateur.experiments;

import org.secateur.sparsity.secondorder.Curvature;

/**
 * A curvature that counts its products on a {@link Progress}: exact diagonals and exact blocks cost one product per
 * entry and run for minutes, inside a single library call. Only for curvatures whose {@code diagonal},
 * {@code submatrix} and {@code inverse} are the interface's defaults built on {@link #times} (the exact Hessian and
 * Gauss-Newton products): those go through this class's {@code times} and are counted.
 */
record ProgressCurvature(Curvature inner, Progress progress) implements Curvature {

    @Override
    public int size() {
        return inner.size();
    }

    @Override
    public double[] times(double[] v) {
        double[] r = inner.times(v);
        progress.step(1);
        return r;
    }
}
