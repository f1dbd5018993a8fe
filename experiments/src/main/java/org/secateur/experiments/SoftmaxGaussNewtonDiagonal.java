package org.secateur.experiments;

import org.secateur.autograd.Autograd;
import org.secateur.autograd.GradMode;
import org.secateur.sparsity.Minibatch;
import org.secateur.sparsity.secondorder.CurvatureDiagonal;
import org.secateur.sparsity.secondorder.Objective;
import org.secateur.sparsity.secondorder.ParameterVector;
import org.secateur.tensor.Tensor;

/**
 * The exact diagonal of the Gauss-Newton matrix of the mean cross-entropy of a model's logits, from per-example,
 * per-class gradients instead of one matrix-vector product per parameter, so that it is affordable for nets of
 * hundreds of thousands of weights. For softmax cross-entropy the Hessian in the logits is {@code diag(p) - p p^T =
 * sum_k p_k (e_k - p)(e_k - p)^T}, and {@code J^T (e_k - p)} is the gradient of {@code log p_k}, so
 * <pre>{@code G_ii = (1/N) sum_n sum_k p_nk (d log p_nk / d w_i)^2}</pre>
 * exactly (the Fisher information of the model's own predictive distribution, which equals the Gauss-Newton matrix
 * for this loss). Cost: one forward and one backward per example and class. This is LeCun's positive
 * (Levenberg-Marquardt) diagonal for OBD without the couplings his backward recursion drops.
 *
 * <p>The objective's loss must be the mean cross-entropy of the model's outputs against the labels (it is not
 * called; the batches' inputs and the model are).
 */
final class SoftmaxGaussNewtonDiagonal implements CurvatureDiagonal {

    @Override
    public double[] of(Objective objective) {
        ParameterVector params = objective.params();
        Tensor[] leaves = params.leaves();
        double[] d = new double[params.size()];
        double n = objective.examples();
        for (Minibatch b : objective.batches()) {
            for (int i = 0; i < b.labels().length; i++) {
                Tensor logP;
                try (var on = GradMode.enableGrad()) {
                    logP = objective.model().apply(b.inputs().narrow(0, i, 1)).logSoftmax(1);
                }
                int classes = logP.size(1);
                for (int k = 0; k < classes; k++) {
                    double p = Math.exp(logP.getFlat(k));
                    double[] seed = new double[classes];
                    seed[k] = 1;
                    Tensor[] g = Autograd.vjp(logP, Tensor.of(seed, 1, classes).to(logP.dtype()), leaves, false);
                    double[] flat = params.flatten(g);
                    double scale = p / n;
                    for (int e = 0; e < flat.length; e++) {
                        d[e] += scale * flat[e] * flat[e];
                    }
                }
            }
        }
        return d;
    }
}
