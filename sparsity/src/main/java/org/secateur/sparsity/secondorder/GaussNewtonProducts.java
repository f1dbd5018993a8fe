package org.secateur.sparsity.secondorder;

import org.secateur.autograd.Autograd;
import org.secateur.autograd.GradMode;
import org.secateur.sparsity.Minibatch;
import org.secateur.tensor.Backprop;
import org.secateur.tensor.Tensor;

/**
 * Gauss-Newton products {@code G v = J^T H_z (J v)} of an objective, exactly and without forming {@code J}: per
 * batch, {@code J v} is the derivative of {@code J^T u} with respect to the seed {@code u} along {@code v} (a
 * forward-mode product from two reverse ones), {@code H_z (J v)} a Hessian-vector product of the loss in the
 * outputs, and {@code J^T (...)} an ordinary vector-Jacobian product. The graphs are built once and reused.
 */
final class GaussNewtonProducts implements Curvature {
    private final Objective objective;
    private final Tensor[] leaves;
    private final Batch[] batches;

    /** One batch's graphs: outputs {@code z}, {@code J^T u} as a function of {@code u}, and {@code dL/dz}. */
    private record Batch(Tensor z, Tensor u, Tensor[] jtu, Tensor zLeaf, Tensor lossGradient) {}

    GaussNewtonProducts(Objective objective) {
        this.objective = objective;
        this.leaves = objective.params().leaves();
        this.batches = new Batch[objective.batches().size()];
        try (var on = GradMode.enableGrad()) {
            for (int b = 0; b < batches.length; b++) {
                Minibatch batch = objective.batches().get(b);
                Tensor z = objective.model().apply(batch.inputs());
                Tensor u = z.zerosLike().requiresGrad(true);
                Tensor[] jtu = Backprop.grad(new Tensor[] {z}, new Tensor[] {u}, leaves, true);
                Tensor zLeaf = z.detach().requiresGrad(true);
                Tensor dz = Autograd.grad(objective.loss().apply(zLeaf, batch.labels()), new Tensor[] {zLeaf}, true)[0];
                batches[b] = new Batch(z, u, jtu, zLeaf, dz);
            }
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
        double[] gv = new double[v.length];
        for (int b = 0; b < batches.length; b++) {
            Batch batch = batches[b];
            Tensor jv = Backprop.grad(batch.jtu(), seeds, new Tensor[] {batch.u()}, false)[0];
            Tensor hjv = Backprop.grad(new Tensor[] {batch.lossGradient()}, new Tensor[] {jv},
                    new Tensor[] {batch.zLeaf()}, false)[0];
            double[] part = params.flatten(Backprop.grad(new Tensor[] {batch.z()}, new Tensor[] {hjv}, leaves, false));
            double wb = objective.weight(b);
            for (int e = 0; e < gv.length; e++) {
                gv[e] += wb * part[e];
            }
        }
        return gv;
    }
}
