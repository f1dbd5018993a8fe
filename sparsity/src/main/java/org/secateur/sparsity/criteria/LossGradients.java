package org.secateur.sparsity.criteria;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.secateur.autograd.Autograd;
import org.secateur.autograd.GradMode;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.sparsity.Loss;
import org.secateur.sparsity.Minibatch;
import org.secateur.tensor.Tensor;

/** The data a criterion scores with, and the gradients it needs. */
final class LossGradients {
    private LossGradients() {}

    /** The batches as a list, so that a criterion can go over them more than once; at least one. */
    static List<Minibatch> hold(Iterable<Minibatch> batches) {
        List<Minibatch> list = new ArrayList<>();
        batches.forEach(list::add);
        if (list.isEmpty()) {
            throw new IllegalArgumentException("a data-driven criterion needs at least one batch, got none");
        }
        return List.copyOf(list);
    }

    /** The dense values of {@code params}: the leaves gradients are taken with respect to. */
    static Tensor[] leaves(Map<String, Parameter> params) {
        return params.values().stream().map(Parameter::data).toArray(Tensor[]::new);
    }

    /** The loss of {@code model} on one batch, with the graph recorded. */
    static Tensor loss(Module model, Minibatch b, Loss loss) {
        try (var on = GradMode.enableGrad()) {
            return loss.apply(model.apply(b.inputs()), b.labels());
        }
    }

    /**
     * The gradient of the mean batch loss with respect to each leaf: {@code (1/B) sum_b dL_b/dw}. Nothing is
     * accumulated into the parameters' own gradients. Masked entries get zero, as the forward uses {@code w * mask}.
     */
    static Tensor[] mean(Module model, Tensor[] leaves, List<Minibatch> batches, Loss loss) {
        Tensor[] sum = null;
        for (Minibatch b : batches) {
            Tensor[] g = Autograd.grad(loss(model, b, loss), leaves, false);
            if (sum == null) {
                sum = g;
            } else {
                for (int i = 0; i < g.length; i++) {
                    sum[i].addInPlace(1, g[i]);
                }
            }
        }
        for (Tensor s : sum) {
            s.scaleInPlace(1.0 / batches.size());
        }
        return sum;
    }
}
