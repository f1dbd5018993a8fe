package org.secateur.sparsity.secondorder;

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

/**
 * The training loss as a function of some parameters of a model, {@code L(w) = sum_b (n_b / N) L_b(w)}: the mean
 * over {@code N} examples when each batch loss {@code L_b} is a mean over its {@code n_b} examples. It is what the
 * second-order criteria expand, {@code L(w + dw) ~ L(w) + g^T dw + 1/2 dw^T H dw}, and what {@link Curvature}s are
 * taken of.
 *
 * <p>Derivatives are with respect to the parameters' dense values; the forward uses {@code w * mask}, so pruned
 * entries have zero gradient and zero rows and columns of curvature. The model is used as it is: put it in
 * evaluation mode (dropout, batch statistics) and, for exact second-order maths, in float64 ({@code
 * model.to(DType.F64)}) before building an objective.
 */
public final class Objective {
    private final Module model;
    private final ParameterVector params;
    private final List<Minibatch> batches;
    private final Loss loss;
    private final int examples;

    /** The objective of {@code model} in {@code params} over {@code batches} (at least one, held as a list). */
    public Objective(Module model, ParameterVector params, Iterable<Minibatch> batches, Loss loss) {
        this.model = model;
        this.params = params;
        this.batches = hold(batches);
        this.loss = loss;
        int n = 0;
        for (Minibatch b : this.batches) {
            n += b.labels().length;
        }
        this.examples = n;
    }

    /** The objective of {@code model} in {@code params} over {@code batches}. */
    public static Objective of(Module model, Map<String, Parameter> params, Iterable<Minibatch> batches, Loss loss) {
        return new Objective(model, ParameterVector.of(params), batches, loss);
    }

    /** The batches as an unmodifiable list, so that they can be gone over many times; at least one. */
    static List<Minibatch> hold(Iterable<Minibatch> batches) {
        List<Minibatch> list = new ArrayList<>();
        batches.forEach(list::add);
        if (list.isEmpty()) {
            throw new IllegalArgumentException("an objective needs at least one batch, got none");
        }
        return List.copyOf(list);
    }

    public Module model() {
        return model;
    }

    public ParameterVector params() {
        return params;
    }

    public List<Minibatch> batches() {
        return batches;
    }

    public Loss loss() {
        return loss;
    }

    /** The number of examples {@code N}. */
    public int examples() {
        return examples;
    }

    /** The weight {@code n_b / N} of batch {@code b}. */
    double weight(int b) {
        return (double) batches.get(b).labels().length / examples;
    }

    /** The loss of batch {@code b} with its graph recorded. */
    Tensor batchLoss(int b) {
        Minibatch batch = batches.get(b);
        try (var on = GradMode.enableGrad()) {
            return loss.apply(model.apply(batch.inputs()), batch.labels());
        }
    }

    /** {@code L(w)} at the parameters' current values. */
    public double value() {
        double sum = 0;
        try (var off = GradMode.noGrad()) {
            for (int b = 0; b < batches.size(); b++) {
                Minibatch batch = batches.get(b);
                sum += weight(b) * loss.apply(model.apply(batch.inputs()), batch.labels()).item();
            }
        }
        return sum;
    }

    /** The gradient {@code g = dL/dw}. */
    public double[] gradient() {
        double[] g = new double[params.size()];
        double[][] perBatch = batchGradients();
        for (int b = 0; b < perBatch.length; b++) {
            double wb = weight(b);
            for (int e = 0; e < g.length; e++) {
                g[e] += wb * perBatch[b][e];
            }
        }
        return g;
    }

    /**
     * The gradient of each batch loss {@code dL_b/dw} on its own: with batches of one example (see {@link
     * EmpiricalFisher#examples}), the per-example gradients of the empirical Fisher.
     */
    public double[][] batchGradients() {
        double[][] out = new double[batches.size()][];
        for (int b = 0; b < out.length; b++) {
            out[b] = params.flatten(Autograd.grad(batchLoss(b), params.leaves(), false));
        }
        return out;
    }
}
