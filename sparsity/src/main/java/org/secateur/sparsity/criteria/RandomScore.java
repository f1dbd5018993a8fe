package org.secateur.sparsity.criteria;

import java.util.LinkedHashMap;
import java.util.Map;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.sparsity.Criterion;
import org.secateur.sparsity.Scores;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/**
 * Uniform random scores, the control every criterion must beat (PyTorch's {@code random_unstructured}; the random
 * baseline of Lee et al. 2019 and Tanaka et al. 2020). Seeded: the same seed gives the same sequence of scorings.
 */
public final class RandomScore implements Criterion {
    private final Rng rng;

    public RandomScore(long seed) {
        this.rng = new Rng(seed);
    }

    @Override
    public Scores.PerEntry scores(Module model, Map<String, Parameter> params) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        params.forEach((name, p) -> out.put(name, Tensor.uniform(rng, 0, 1, p.dtype(), p.shape())));
        return new Scores.PerEntry(out);
    }
}
