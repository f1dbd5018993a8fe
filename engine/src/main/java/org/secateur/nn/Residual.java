package org.secateur.nn;

import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;

/** A residual connection {@code x + body(x)} around any shape-preserving module (He et al. 2016, eq. 1). */
public final class Residual extends Module {
    public final Module body;

    public Residual(Module body) {
        this.body = registerModule("body", body);
    }

    @Override
    protected Tensor forward(Tensor x) {
        Tensor fx = body.apply(x);
        // Broadcasting would silently accept a body that changes the shape; a residual needs equal shapes.
        Shape.requireEqual("residual body output", x.shape(), fx.shape());
        return x.add(fx);
    }

    @Override
    public String toString() {
        return "Residual(" + body.toString().replace("\n", "\n  ") + ")";
    }
}
