package org.secateur.sparsity;

import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;

/**
 * Inputs and class labels of a mini-batch: what data-driven criteria and the training loop consume. Adapting a
 * data loader's batch is one line: {@code new Minibatch(b.inputs(), b.labels())}.
 *
 * @param inputs {@code [batch, ...]}
 * @param labels the class of each row
 */
public record Minibatch(Tensor inputs, int[] labels) {
    public Minibatch {
        if (inputs.rank() == 0 || inputs.size(0) != labels.length) {
            throw new IllegalArgumentException(labels.length + " labels for inputs of shape " + Shape.str(inputs.shape()));
        }
    }
}
