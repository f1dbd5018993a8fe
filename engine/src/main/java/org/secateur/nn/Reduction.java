package org.secateur.nn;

import org.secateur.tensor.Tensor;

/** How a loss turns per-element values into its result, as PyTorch's {@code reduction} argument. */
public enum Reduction {
    /** The per-element losses, unreduced. */
    NONE,
    /** Their mean (PyTorch's default). */
    MEAN,
    /** Their sum. */
    SUM;

    /** Applies this reduction to per-element losses. */
    public Tensor apply(Tensor losses) {
        return switch (this) {
            case NONE -> losses;
            case MEAN -> losses.mean();
            case SUM -> losses.sum();
        };
    }
}
