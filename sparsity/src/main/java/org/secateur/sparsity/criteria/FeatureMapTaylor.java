package org.secateur.sparsity.criteria;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secateur.autograd.Autograd;
import org.secateur.nn.ForwardHook;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.sparsity.Criterion;
import org.secateur.sparsity.Granularity;
import org.secateur.sparsity.Loss;
import org.secateur.sparsity.Minibatch;
import org.secateur.sparsity.Scores;
import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;

/**
 * Molchanov et al.'s first-order Taylor criterion for feature maps (2017, "Pruning Convolutional Neural Networks for
 * Resource Efficient Inference", §2.2): {@code Theta(z_k) = |(1/M) sum_m dC/dz_m * z_m|} over the {@code M}
 * positions of feature map {@code k}, computed per example and averaged over examples, then over batches; by default
 * each layer's scores are divided by their L2 norm (the paper's §2.3), so that layers can be ranked together.
 *
 * <p>Feature map {@code k} of a layer is channel {@code k} of its output (a unit of a Linear layer, {@code M = 1}),
 * recorded by a forward hook, with its gradient taken by {@link Autograd#grad}; pruning it prunes filter {@code k} of
 * the layer's weight, so the scores are per {@link Granularity#filter() filter} of each scored weight. The output is
 * taken before any activation; for ReLU it makes no difference, as {@code dC/dz * z} is the same on both sides.
 * With a batch-mean loss {@code C}, {@code dC/dz} of example {@code t} is {@code 1/N} of its own loss's gradient, so
 * the sum over the batch's examples is their mean criterion.
 */
public final class FeatureMapTaylor implements Criterion {
    private final List<Minibatch> batches;
    private final Loss loss;
    private final boolean normalizePerLayer;

    /** With the per-layer L2 normalisation of the paper. */
    public FeatureMapTaylor(Iterable<Minibatch> batches, Loss loss) {
        this(batches, loss, true);
    }

    public FeatureMapTaylor(Iterable<Minibatch> batches, Loss loss, boolean normalizePerLayer) {
        this.batches = LossGradients.hold(batches);
        this.loss = loss;
        this.normalizePerLayer = normalizePerLayer;
    }

    @Override
    public Scores.PerGroup scores(Module model, Map<String, Parameter> params) {
        List<String> names = List.copyOf(params.keySet());
        List<List<Tensor>> featureMaps = new ArrayList<>();
        List<ForwardHook.Handle> hooks = new ArrayList<>();
        double[][] theta = new double[names.size()][];
        try {
            for (int i = 0; i < names.size(); i++) {
                List<Tensor> recorded = new ArrayList<>();
                featureMaps.add(recorded);
                hooks.add(owner(model, names.get(i), params.get(names.get(i)))
                        .addForwardHook(ForwardHook.observer((m, in, out) -> recorded.add(out))));
                theta[i] = new double[params.get(names.get(i)).shape()[0]];
            }
            for (Minibatch b : batches) {
                featureMaps.forEach(List::clear);
                Tensor c = LossGradients.loss(model, b, loss);
                List<Tensor> z = featureMaps.stream().flatMap(List::stream).toList();
                Tensor[] dz = Autograd.grad(c, z.toArray(Tensor[]::new), false);
                int k = 0;
                for (int i = 0; i < names.size(); i++) {
                    for (int r = 0; r < featureMaps.get(i).size(); r++, k++) {
                        accumulate(names.get(i), theta[i], z.get(k), dz[k]);
                    }
                }
            }
        } finally {
            hooks.forEach(ForwardHook.Handle::remove);
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            double sq = 0;
            for (int k = 0; k < theta[i].length; k++) {
                theta[i][k] /= batches.size();
                sq += theta[i][k] * theta[i][k];
            }
            if (normalizePerLayer && sq > 0) {
                double norm = Math.sqrt(sq);
                for (int k = 0; k < theta[i].length; k++) {
                    theta[i][k] /= norm;
                }
            }
            out.put(names.get(i), theta[i]);
        }
        return new Scores.PerGroup(Granularity.filter(), out);
    }

    /** The module whose own parameter {@code name} is: the layer producing the feature maps. */
    private static Module owner(Module model, String name, Parameter p) {
        int dot = name.lastIndexOf('.');
        Module m = model.namedModules().get(dot < 0 ? "" : name.substring(0, dot));
        if (m == null || m.namedParameters().get(name.substring(dot + 1)) != p) {
            throw new IllegalArgumentException(name + " is not a parameter of a layer of the model");
        }
        return m;
    }

    /** Adds {@code sum_t |(1/M) sum_m g * z|} of one recorded output {@code [N, C, ...]} to {@code theta[C]}. */
    private static void accumulate(String name, double[] theta, Tensor z, Tensor g) {
        if (z.rank() < 2 || z.size(1) != theta.length) {
            throw new IllegalArgumentException("the layer of " + name + " outputs " + Shape.str(z.shape())
                    + "; expected feature maps [N, " + theta.length + ", ...]");
        }
        int n = z.size(0);
        int positions = z.numel() / (n * theta.length);
        for (int t = 0, at = 0; t < n; t++) {
            for (int k = 0; k < theta.length; k++) {
                double s = 0;
                for (int m = 0; m < positions; m++, at++) {
                    s += g.getFlat(at) * z.getFlat(at);
                }
                theta[k] += Math.abs(s / positions);
            }
        }
    }
}
