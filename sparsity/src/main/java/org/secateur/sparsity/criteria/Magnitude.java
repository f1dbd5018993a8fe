package org.secateur.sparsity.criteria;

import java.util.LinkedHashMap;
import java.util.Map;
import org.secateur.autograd.GradMode;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.sparsity.Criterion;
import org.secateur.sparsity.Scores;
import org.secateur.tensor.Tensor;

/**
 * Weight magnitude {@code |w|}, the data-free baseline: Han et al. 2015 ("Learning both Weights and Connections",
 * §3) prune the connections of smallest magnitude. Unstructured, L1 and L2 rank alike; for structures the
 * {@link org.secateur.sparsity.Pruner}'s {@link org.secateur.sparsity.Norm} gives the group's Ln norm (the L1 filter
 * norm of Li et al. 2017, §3.1). Scores are of the effective weights, so pruned entries score 0.
 */
public final class Magnitude implements Criterion {

    @Override
    public Scores.PerEntry scores(Module model, Map<String, Parameter> params) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (var off = GradMode.noGrad()) {
            params.forEach((name, p) -> out.put(name, p.value().abs()));
        }
        return new Scores.PerEntry(out);
    }
}
