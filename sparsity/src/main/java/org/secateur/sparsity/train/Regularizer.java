package org.secateur.sparsity.train;

import org.secateur.tensor.Tensor;

/** A penalty added to the training loss, computed in the graph so that its gradient flows; penalties add up. */
@FunctionalInterface
public interface Regularizer {

    /** The current penalty, a one-element tensor. */
    Tensor penalty();

    /** This penalty plus {@code other}. */
    default Regularizer plus(Regularizer other) {
        return () -> penalty().add(other.penalty());
    }
}
