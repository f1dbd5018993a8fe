package org.secateur.sparsity.secondorder;

import org.secateur.autograd.Autograd;
import org.secateur.tensor.Backprop;
import org.secateur.tensor.Tensor;

/**
 * Exact Hessian-vector products {@code H v} of an objective by double backward (Pearlmutter 1994): the gradient
 * of each batch is built once with its graph, and each product is one more backward through it.
 */
final class HessianProducts implements Curvature {
    private final Objective objective;
    private final Tensor[] leaves;
    private final Tensor[][] gradients;

    HessianProducts(Objective objective) {
        this.objective = objective;
        this.leaves = objective.params().leaves();
        this.gradients = new Tensor[objective.batches().size()][];
        for (int b = 0; b < gradients.length; b++) {
            gradients[b] = Autograd.grad(objective.batchLoss(b), leaves, true);
        }
    }

    @Override
    public int size() {
        return objective.params().size();
    }

    @Override
    public double[] times(double[] v) {
        ParameterVector params = objective.params();
        Tensor[] seeds = params.split(v);
        double[] hv = new double[v.length];
        for (int b = 0; b < gradients.length; b++) {
            double[] part = params.flatten(Backprop.grad(gradients[b], seeds, leaves, false));
            double wb = objective.weight(b);
            for (int e = 0; e < hv.length; e++) {
                hv[e] += wb * part[e];
            }
        }
        return hv;
    }
}
