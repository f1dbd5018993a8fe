package org.secateur.nn;

import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/**
 * The gated MLP of LLaMA-style transformers, SwiGLU ({@code FFN_SwiGLU} of Shazeer 2020, §2, with Swish_1 = SiLU):
 * {@code (SiLU(x W_gate) * (x W_up)) W_down}. The pieces are child modules {@code gate}, {@code up}, {@code down}
 * (bias-free {@link Linear}s by default) and {@code act} ({@link Activation#silu()}), so a forward hook on
 * {@code act} can threshold the gate activations (CATS, Lee et al. 2024) without changing this class.
 */
public final class GatedMlp extends Module {
    public final Linear gate;
    public final Linear up;
    public final Linear down;
    public final Activation act;

    /** Bias-free projections {@code d -> hidden -> d}. */
    public GatedMlp(int d, int hidden, Rng rng) {
        this(d, hidden, false, rng);
    }

    public GatedMlp(int d, int hidden, boolean bias, Rng rng) {
        gate = registerModule("gate", new Linear(d, hidden, bias, rng));
        up = registerModule("up", new Linear(d, hidden, bias, rng));
        down = registerModule("down", new Linear(hidden, d, bias, rng));
        act = registerModule("act", Activation.silu());
    }

    @Override
    protected Tensor forward(Tensor x) {
        return down.apply(act.apply(gate.apply(x)).mul(up.apply(x)));
    }

    @Override
    public String toString() {
        return "GatedMlp(" + gate.inFeatures + ", " + gate.outFeatures + ")";
    }
}
