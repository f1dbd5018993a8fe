package org.secateur.sparsity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secateur.autograd.GradMode;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;

/**
 * A pruning rule: at which {@link Granularity}, reducing entry scores to group scores with which {@link Norm}, and
 * with which targets ({@link Scope}). It computes masks from {@link Scores} ({@code compute_mask} in PyTorch's
 * terms) and applies them: a parameter keeps its dense values ({@code weight_orig}) and gets a 0/1 mask
 * ({@code weight_mask}).
 *
 * <p>The lowest-scored groups are pruned, exactly {@code round(s * n)} of {@code n} (see {@link Scope}); among
 * equal scores the one met first (parameters in the order given, then groups in {@link Groups} order) is pruned
 * first. Only unpruned groups are candidates and a mask is only ever narrowed, so applying a rule again prunes
 * among the survivors and never revives a weight; a target below the current sparsity changes nothing.
 *
 * <pre>{@code
 * Map<String, Parameter> weights = Pruning.prunableWeights(model);
 * Pruner.global(0.9).prune(model, weights, new Magnitude());
 * Pruner.layerWise(0.5).withGranularity(Granularity.filter()).withNorm(Norm.L2).prune(model, weights, new Magnitude());
 * }</pre>
 */
public record Pruner(Granularity granularity, Norm norm, Scope scope) {

    /** Unstructured pruning with one ranking across the chosen parameters ({@code global_unstructured}). */
    public static Pruner global(double sparsity) {
        return new Pruner(Granularity.unstructured(), Norm.L1, Scope.global(sparsity));
    }

    /** Unstructured pruning of each parameter to the same sparsity ({@code l1_unstructured} per layer). */
    public static Pruner layerWise(double sparsity) {
        return new Pruner(Granularity.unstructured(), Norm.L1, Scope.layerWise(sparsity));
    }

    /** Unstructured pruning of each named parameter to its own target; others are left alone. */
    public static Pruner layerWise(Map<String, Double> targets) {
        return new Pruner(Granularity.unstructured(), Norm.L1, Scope.layerWise(targets));
    }

    public Pruner withGranularity(Granularity g) {
        return new Pruner(g, norm, scope);
    }

    public Pruner withNorm(Norm n) {
        return new Pruner(granularity, n, scope);
    }

    public Pruner withScope(Scope s) {
        return new Pruner(granularity, norm, s);
    }

    /** Scores {@code params} with {@code criterion}, then {@link #prune(Map, Scores) prunes} them. */
    public Map<String, Tensor> prune(Module model, Map<String, Parameter> params, Criterion criterion) {
        return prune(params, criterion.scores(model, params));
    }

    /** Computes the masks and sets them on {@code params}; returns them. */
    public Map<String, Tensor> prune(Map<String, Parameter> params, Scores scores) {
        Map<String, Tensor> masks = computeMasks(params, scores);
        masks.forEach((name, mask) -> params.get(name).setMask(mask));
        return masks;
    }

    /**
     * The masks this rule gives {@code params} (by name, in their order), without applying them.
     *
     * @throws IllegalArgumentException if a score is missing, NaN or mis-shaped, the granularity does not fit a
     *     parameter, the scope names an unknown parameter, or a target is impossible (it would prune every group,
     *     or differs from the sparsity an N:M pattern fixes)
     */
    public Map<String, Tensor> computeMasks(Map<String, Parameter> params, Scores scores) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("no parameters to prune");
        }
        if (scope instanceof Scope.LayerWise lw) {
            for (String name : lw.targets().keySet()) {
                if (!params.containsKey(name)) {
                    throw new IllegalArgumentException("sparsity target for " + name + ", which is not among the "
                            + "parameters to prune " + params.keySet());
                }
            }
        }
        if (scores instanceof Scores.PerGroup pg && !pg.granularity().equals(granularity)) {
            throw new IllegalArgumentException("scores are per group of " + pg.granularity() + " but the pruner's "
                    + "granularity is " + granularity);
        }
        try (var off = GradMode.noGrad()) {
            if (granularity instanceof Granularity.NM nm) {
                return keepNOfM(params, scores, nm);
            }
            List<MaskSelection.Layer> layers = new ArrayList<>();
            params.forEach((name, p) -> layers.add(layer(name, p, scores)));
            if (scope instanceof Scope.Global global) {
                String what = params.size() == 1 ? params.keySet().iterator().next()
                        : "the " + params.size() + " parameters " + params.keySet();
                return MaskSelection.pruneLowest(layers, global.sparsity(), what + " at " + granularity);
            }
            Scope.LayerWise lw = (Scope.LayerWise) scope;
            Map<String, Tensor> masks = new LinkedHashMap<>();
            for (MaskSelection.Layer l : layers) {
                masks.putAll(MaskSelection.pruneLowest(List.of(l), lw.sparsityOf(l.name()), l.name() + " at " + granularity));
            }
            return masks;
        }
    }

    private MaskSelection.Layer layer(String name, Parameter p, Scores scores) {
        Groups groups = groupsOf(name, p);
        boolean[] alive = MaskSelection.alive(p, groups);
        double[] groupScores = switch (scores) {
            case Scores.PerGroup pg -> {
                double[] s = pg.values().get(name);
                if (s == null || s.length != groups.count()) {
                    throw new IllegalArgumentException("group scores for " + name + ": expected " + groups.count()
                            + " (groups of " + granularity + "), got " + (s == null ? "none" : s.length));
                }
                yield s;
            }
            case Scores.PerEntry pe -> {
                double[] entries = entryScores(name, p, pe);
                if (granularity instanceof Granularity.Unstructured) {
                    yield entries;
                }
                double[] s = new double[groups.count()];
                for (int g = 0; g < s.length; g++) {
                    double acc = 0;
                    for (int j = 0; j < groups.size(); j++) {
                        int e = groups.member(g, j);
                        // pruned entries do not count towards their group's norm
                        if (p.mask() == null || p.mask().getFlat(e) != 0) {
                            acc = norm.accumulate(acc, entries[e]);
                        }
                    }
                    s[g] = norm.finish(acc);
                }
                yield s;
            }
        };
        return new MaskSelection.Layer(name, p, groups, alive, groupScores);
    }

    private Map<String, Tensor> keepNOfM(Map<String, Parameter> params, Scores scores, Granularity.NM nm) {
        if (!(scores instanceof Scores.PerEntry pe)) {
            throw new IllegalArgumentException("N:M pruning needs per-entry scores, got per-group scores");
        }
        Map<String, Tensor> masks = new LinkedHashMap<>();
        params.forEach((name, p) -> {
            double target = scope instanceof Scope.LayerWise lw ? lw.sparsityOf(name) : ((Scope.Global) scope).sparsity();
            if (Math.abs(target - nm.sparsity()) > 1e-9) {
                throw new IllegalArgumentException(nm.n() + ":" + nm.m() + " sparsity is " + nm.sparsity() + ", but the "
                        + "target for " + name + " is " + target);
            }
            masks.put(name, MaskSelection.keepHighest(name, p, groupsOf(name, p), entryScores(name, p, pe), nm.n()));
        });
        return masks;
    }

    private Groups groupsOf(String name, Parameter p) {
        try {
            return granularity.groups(p.shape());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    private static double[] entryScores(String name, Parameter p, Scores.PerEntry scores) {
        Tensor s = scores.values().get(name);
        if (s == null) {
            throw new IllegalArgumentException("no scores for " + name + "; scores cover " + scores.values().keySet());
        }
        Shape.requireEqual("scores of " + name, p.shape(), s.shape());
        return s.toDoubleArray();
    }
}
