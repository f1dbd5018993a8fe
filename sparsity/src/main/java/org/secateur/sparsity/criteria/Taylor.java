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
 * First-order Taylor criterion per weight, {@code |dC/dw * w|}: Molchanov et al. 2017 ("Pruning Convolutional
 * Neural Networks for Resource Efficient Inference", §2.2), {@code Theta_TE(h) = |dC/dh * h|}, the first-order
 * estimate of {@code |C(D | w = 0) - C(D)|} with {@code h} a weight. {@code C} is the mean of the batch losses and
 * {@code w} the effective weight, so pruned entries score 0. {@link FeatureMapTaylor} is the structured form.
 */
public final class Taylor implements Criterion {
    private final List<Minibatch> batches;
    private final Loss loss;

    /** Scores with the gradient of {@code loss} over {@code batches} (held, so that scoring can repeat). */
    public Taylor(Iterable<Minibatch> batches, Loss loss) {
        this.batches = LossGradients.hold(batches);
        this.loss = loss;
    }

    @Override
    public Scores.PerEntry scores(Module model, Map<String, Parameter> params) {
        Tensor[] g = LossGradients.mean(model, LossGradients.leaves(params), batches, loss);
        Map<String, Tensor> out = new LinkedHashMap<>();
        int i = 0;
        try (var off = GradMode.noGrad()) {
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                out.put(e.getKey(), g[i++].mul(e.getValue().value()).abs());
            }
        }
        return new Scores.PerEntry(out);
    }
}
