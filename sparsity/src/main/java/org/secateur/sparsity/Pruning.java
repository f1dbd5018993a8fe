package org.secateur.sparsity;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.secateur.autograd.GradMode;
import org.secateur.nn.Conv2d;
import org.secateur.nn.Linear;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;

/**
 * The functions of PyTorch's {@code torch.nn.utils.prune}, by the same names, over {@link Pruner}: magnitude and
 * random pruning of one parameter, structured Ln pruning, global pruning, a mask of one's own, and {@code remove}.
 * Sparsities here are of the whole parameter (not of what is left, as PyTorch's {@code amount}): pruning again to a
 * higher sparsity prunes among the survivors.
 */
public final class Pruning {
    private Pruning() {}

    /** The weights of every Linear and Conv2d layer of {@code model}, by name ({@code features.0.weight}). */
    public static Map<String, Parameter> prunableWeights(Module model) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        model.namedModules().forEach((path, m) -> {
            Parameter w = m instanceof Linear l ? l.weight : m instanceof Conv2d c ? c.weight : null;
            if (w != null) {
                out.put(path.isEmpty() ? "weight" : path + ".weight", w);
            }
        });
        return out;
    }

    /** {@link #prunableWeights(Module)} without the named ones (for example the output layer). */
    public static Map<String, Parameter> prunableWeights(Module model, String... skip) {
        Map<String, Parameter> out = prunableWeights(model);
        Set<String> unknown = new HashSet<>(Arrays.asList(skip));
        unknown.removeAll(out.keySet());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("cannot skip " + unknown + ": not among the prunable weights "
                    + out.keySet());
        }
        out.keySet().removeAll(Arrays.asList(skip));
        return out;
    }

    /** Prunes the entries of smallest |w| until {@code sparsity} of {@code p} is pruned; returns the mask. */
    public static Tensor l1Unstructured(Parameter p, double sparsity) {
        return lnStructured(p, sparsity, Norm.L1, Granularity.unstructured());
    }

    /** Prunes random entries (uniform scores from {@code rng}) until {@code sparsity} of {@code p} is pruned. */
    public static Tensor randomUnstructured(Parameter p, double sparsity, Rng rng) {
        Tensor scores = Tensor.uniform(rng, 0, 1, p.dtype(), p.shape());
        return single(p, Pruner.layerWise(sparsity), scores);
    }

    /**
     * Prunes the groups of smallest Ln norm of the weights until {@code sparsity} of the groups of {@code p} is
     * pruned: {@code ln_structured} with the dimension given as a granularity ({@link Granularity#filter()} for
     * {@code dim=0}, {@link Granularity#channel()} for {@code dim=1}).
     */
    public static Tensor lnStructured(Parameter p, double sparsity, Norm n, Granularity granularity) {
        return single(p, Pruner.layerWise(sparsity).withGranularity(granularity).withNorm(n), magnitude(p));
    }

    /** Prunes the smallest |w| across {@code params} until {@code sparsity} of all their entries is pruned. */
    public static Map<String, Tensor> globalUnstructured(Map<String, Parameter> params, double sparsity) {
        Map<String, Tensor> scores = new LinkedHashMap<>();
        params.forEach((name, p) -> scores.put(name, magnitude(p)));
        return Pruner.global(sparsity).prune(params, new Scores.PerEntry(scores));
    }

    /** Prunes the lowest {@code criterion} scores across {@code params} until {@code sparsity} of them is pruned. */
    public static Map<String, Tensor> globalUnstructured(Module model, Map<String, Parameter> params, Criterion criterion,
                                                         double sparsity) {
        return Pruner.global(sparsity).prune(model, params, criterion);
    }

    /** Prunes where {@code mask} is 0, on top of any mask {@code p} already has. */
    public static void customFromMask(Parameter p, Tensor mask) {
        Shape.requireEqual("custom mask", p.shape(), mask.shape());
        if (p.mask() == null) {
            p.setMask(mask);
        } else {
            Tensor combined = p.mask().copy();
            combined.mulInPlace(mask.to(p.dtype()));
            p.setMask(combined);
        }
    }

    /** Makes {@code p}'s pruning permanent: pruned values become 0 and the mask goes ({@code prune.remove}). */
    public static void remove(Parameter p) {
        p.makePermanent();
    }

    /** {@link #remove(Parameter)} for every masked parameter of {@code model}. */
    public static void remove(Module model) {
        model.parameters().forEach(Parameter::makePermanent);
    }

    /** Drops every mask of {@code model}, restoring the dense values the masks hid (undoes pruning). */
    public static void removeMasks(Module model) {
        model.parameters().forEach(Parameter::removeMask);
    }

    private static Tensor magnitude(Parameter p) {
        try (var off = GradMode.noGrad()) {
            return p.value().abs();
        }
    }

    private static Tensor single(Parameter p, Pruner pruner, Tensor scores) {
        String name = p.toString();
        return pruner.prune(Map.of(name, p), new Scores.PerEntry(Map.of(name, scores))).get(name);
    }
}
