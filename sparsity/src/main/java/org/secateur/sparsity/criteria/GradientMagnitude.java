package org.secateur.sparsity.criteria;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secateur.autograd.GradMode;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.sparsity.Criterion;
import org.secateur.sparsity.Loss;
import org.secateur.sparsity.Minibatch;
import org.secateur.sparsity.Scores;
import org.secateur.tensor.Tensor;

/**
 * Gradient magnitude {@code |dC/dw|}, the plain gradient-based criterion of the seed lecture (§4): how fast the loss
 * moves with a weight, whatever its size. {@link Taylor} multiplies by the weight to estimate the change from
 * removing it. {@code C} is the mean of the batch losses.
 */
public final class GradientMagnitude implements Criterion {
    private final List<Minibatch> batches;
    private final Loss loss;

    /** Scores with the gradient of {@code loss} over {@code batches} (held, so that scoring can repeat). */
    public GradientMagnitude(Iterable<Minibatch> batches, Loss loss) {
        this.batches = LossGradients.hold(batches);
        this.loss = loss;
    }

    @Override
    public Scores.PerEntry scores(Module model, Map<String, Parameter> params) {
        Tensor[] g = LossGradients.mean(model, LossGradients.leaves(params), batches, loss);
        Map<String, Tensor> out = new LinkedHashMap<>();
        int i = 0;
        try (var off = GradMode.noGrad()) {
            for (String name : params.keySet()) {
                out.put(name, g[i++].abs());
            }
        }
        return new Scores.PerEntry(out);
    }
}
