package org.secateur.sparsity.criteria;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secateur.autograd.Autograd;
import org.secateur.autograd.GradMode;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.sparsity.Criterion;
import org.secateur.sparsity.Loss;
import org.secateur.sparsity.Minibatch;
import org.secateur.sparsity.Scores;
import org.secateur.tensor.Tensor;

/**
 * GraSP, gradient signal preservation (Wang, Zhang &amp; Grosse 2020, "Picking Winning Tickets Before Training by
 * Preserving Gradient Flow", eq. 8): the paper removes the weights of largest {@code S(-w) = -w * (H g)}, where
 * {@code g} is the loss gradient and {@code H g} its exact Hessian-vector product (double backward). As the
 * reference implementation (Synaptic-Flow's {@code GraSP}, after the authors' code), the score here is
 * {@code w * (H g)} normalised by {@code |sum of all scores| + 1e-10}, and the lowest scores are pruned: the same
 * choice, signs kept (a negative score means removing the weight would increase the gradient norm). The logits are
 * divided by a temperature of 200 before the loss, as in the reference.
 */
public final class Grasp implements Criterion {
    /** The reference implementation's temperature on the logits. */
    public static final double REFERENCE_TEMPERATURE = 200;

    private final List<Minibatch> batches;
    private final Loss tempered;

    /** GraSP with the reference temperature of 200. */
    public Grasp(Iterable<Minibatch> batches, Loss loss) {
        this(batches, loss, REFERENCE_TEMPERATURE);
    }

    /** GraSP with {@code loss(outputs / temperature, labels)} over {@code batches} (held, so scoring can repeat). */
    public Grasp(Iterable<Minibatch> batches, Loss loss, double temperature) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature=" + temperature + ": expected a value > 0");
        }
        this.batches = LossGradients.hold(batches);
        this.tempered = (outputs, labels) -> loss.apply(outputs.div(temperature), labels);
    }

    /**
     * {@code H g} for {@code params}: {@code g} the gradient of the mean tempered loss, held fixed, and {@code H} its
     * Hessian, as the mean over batches of exact Hessian-vector products (the reference sums over batches; the
     * normalisation of the score removes the difference).
     */
    public Map<String, Tensor> hessianGradientProduct(Module model, Map<String, Parameter> params) {
        Tensor[] leaves = LossGradients.leaves(params);
        Tensor[] g = LossGradients.mean(model, leaves, batches, tempered);
        Tensor[] hg = null;
        for (Minibatch b : batches) {
            Tensor[] h = Autograd.hessianVectorProduct(() -> LossGradients.loss(model, b, tempered), leaves, g);
            if (hg == null) {
                hg = h;
            } else {
                for (int i = 0; i < h.length; i++) {
                    hg[i].addInPlace(1, h[i]);
                }
            }
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        int i = 0;
        for (String name : params.keySet()) {
            out.put(name, hg[i++].scaleInPlace(1.0 / batches.size()));
        }
        return out;
    }

    @Override
    public Scores.PerEntry scores(Module model, Map<String, Parameter> params) {
        Map<String, Tensor> hg = hessianGradientProduct(model, params);
        Map<String, Tensor> out = new LinkedHashMap<>();
        double sum = 0;
        try (var off = GradMode.noGrad()) {
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                Tensor s = e.getValue().value().mul(hg.get(e.getKey()));
                sum += s.sum().item();
                out.put(e.getKey(), s);
            }
        }
        double norm = Math.abs(sum) + 1e-10;
        out.values().forEach(s -> s.scaleInPlace(1 / norm));
        return new Scores.PerEntry(out);
    }
}
