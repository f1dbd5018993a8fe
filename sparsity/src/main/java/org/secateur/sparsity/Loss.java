package org.secateur.sparsity;

import org.secateur.tensor.Tensor;

/** A scalar training loss of a model's outputs against class labels, such as {@code Losses::crossEntropy}. */
@FunctionalInterface
public interface Loss {
    Tensor apply(Tensor outputs, int[] labels);
}
