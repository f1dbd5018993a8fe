package org.secateur.nn;

import org.secateur.tensor.Tensor;

/** Flattens every dimension after the batch dimension: {@code [N, ...] -> [N, -1]}. */
public final class Flatten extends Module {
    @Override
    protected Tensor forward(Tensor x) {
        return x.flatten(1);
    }

    @Override
    public String toString() {
        return "Flatten";
    }
}
