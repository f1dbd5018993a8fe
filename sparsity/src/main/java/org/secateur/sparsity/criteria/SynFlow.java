package org.secateur.sparsity.criteria;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secateur.autograd.Autograd;
import org.secateur.autograd.GradMode;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.sparsity.Criterion;
import org.secateur.sparsity.Scores;
import org.secateur.tensor.Tensor;

/**
 * SynFlow's synaptic saliency (Tanaka, Kunin, Yamins &amp; Ganguli 2020, "Pruning neural networks without any data
 * by iteratively conserving synaptic flow", Algorithm 1): with every parameter replaced by its absolute value and an
 * all-ones input {@code [1, inputShape]}, {@code R = sum of the outputs} and the score is
 * {@code |w * dR/dw|}. Data-free. Pruned entries take no part in the flow (the forward uses {@code |w| * mask}) and
 * score 0.
 *
 * <p>One call is one round; the paper prunes over many rounds (100) with an exponential schedule, which
 * {@code Schedule.atInit(rounds)} of {@code org.secateur.sparsity.train} provides. As the reference implementation,
 * the absolute value is taken of every tensor of the state (parameters and buffers) and the forward runs in
 * evaluation mode; the signed values and the training mode are restored afterwards, bit for bit. For a bias-free
 * network of homogeneous activations (ReLU) the score sums of all layers are equal (the conservation law,
 * Theorem 2).
 */
public final class SynFlow implements Criterion {
    private final int[] inputShape;

    /** SynFlow for inputs of shape {@code inputShape} without the batch dimension ({@code 1, 28, 28} or {@code 784}). */
    public SynFlow(int... inputShape) {
        if (inputShape.length == 0) {
            throw new IllegalArgumentException("SynFlow needs the input shape (without the batch dimension)");
        }
        this.inputShape = inputShape.clone();
    }

    @Override
    public Scores.PerEntry scores(Module model, Map<String, Parameter> params) {
        List<Tensor> state = new ArrayList<>();
        model.parameters().forEach(p -> state.add(p.data()));
        state.addAll(model.namedBuffers().values());
        List<Tensor> signed = state.stream().map(Tensor::copy).toList();
        boolean training = model.isTraining();
        try {
            model.eval();
            try (var off = GradMode.noGrad()) {
                state.forEach(t -> t.copyFromInPlace(t.abs()));
            }
            int[] shape = new int[inputShape.length + 1];
            shape[0] = 1;
            System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
            Tensor r;
            try (var on = GradMode.enableGrad()) {
                r = model.apply(Tensor.ones(model.dtype(), shape)).sum();
            }
            Tensor[] g = Autograd.grad(r, LossGradients.leaves(params), false);
            Map<String, Tensor> out = new LinkedHashMap<>();
            int i = 0;
            try (var off = GradMode.noGrad()) {
                for (Map.Entry<String, Parameter> e : params.entrySet()) {
                    out.put(e.getKey(), g[i++].mul(e.getValue().value()).abs());
                }
            }
            return new Scores.PerEntry(out);
        } finally {
            for (int i = 0; i < state.size(); i++) {
                state.get(i).copyFromInPlace(signed.get(i));
            }
            model.train(training);
        }
    }
}
