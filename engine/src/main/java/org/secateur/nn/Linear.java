package org.secateur.nn;

import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/** A fully connected layer {@code y = x W^T + b}, with {@code W [out, in]} and PyTorch's default initialisation. */
public final class Linear extends Module {
    public final int inFeatures;
    public final int outFeatures;
    public final Parameter weight;
    public final Parameter bias;

    public Linear(int inFeatures, int outFeatures, Rng rng) {
        this(inFeatures, outFeatures, true, rng);
    }

    public Linear(int inFeatures, int outFeatures, boolean bias, Rng rng) {
        if (inFeatures < 1 || outFeatures < 1) {
            throw new IllegalArgumentException("Linear(" + inFeatures + ", " + outFeatures + "): sizes must be >= 1");
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = registerParameter("weight", Init.torchDefaultWeight(rng, DType.F32, outFeatures, inFeatures));
        this.bias = bias ? registerParameter("bias", Init.torchDefaultBias(rng, inFeatures, DType.F32, outFeatures)) : null;
    }

    @Override
    protected Tensor forward(Tensor x) {
        return Functional.linear(x, weight.value(), bias == null ? null : bias.value());
    }

    @Override
    public String toString() {
        return "Linear(" + inFeatures + ", " + outFeatures + (bias == null ? ", bias=false" : "") + ")";
    }
}
