package org.secateur.sparsity;

import java.util.Map;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;

/**
 * A pruning criterion: how important each entry (or group) of some parameters of a model is. Implementations read
 * the model only through its outputs, forward hooks and gradients, and leave it as they found it (values, masks,
 * training mode, accumulated gradients). The standard criteria live in {@code org.secateur.sparsity.criteria}.
 */
@FunctionalInterface
public interface Criterion {

    /**
     * Scores of {@code params}, a subset of {@code model}'s parameters by their names in
     * {@link Module#namedParameters()}.
     */
    Scores scores(Module model, Map<String, Parameter> params);
}
