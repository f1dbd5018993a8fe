package org.secateur.nn;

import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/**
 * A 2-D convolution with weight {@code [out, in/groups, k, k]}, square kernel, stride, zero padding, dilation and
 * groups, and PyTorch's default initialisation.
 */
public final class Conv2d extends Module {
    public final int inChannels;
    public final int outChannels;
    public final int kernel;
    public final int stride;
    public final int padding;
    public final int dilation;
    public final int groups;
    public final Parameter weight;
    public final Parameter bias;

    /** Stride 1, no padding, no dilation, one group, with bias. */
    public Conv2d(int inChannels, int outChannels, int kernel, Rng rng) {
        this(inChannels, outChannels, kernel, 1, 0, 1, 1, true, rng);
    }

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, int dilation, int groups,
                  boolean bias, Rng rng) {
        if (inChannels < 1 || outChannels < 1 || kernel < 1 || stride < 1 || padding < 0 || dilation < 1
                || groups < 1 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("Conv2d(in=" + inChannels + ", out=" + outChannels + ", k=" + kernel
                    + ", stride=" + stride + ", padding=" + padding + ", dilation=" + dilation + ", groups=" + groups
                    + "): sizes must be positive and channels divisible by groups");
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.groups = groups;
        int[] shape = {outChannels, inChannels / groups, kernel, kernel};
        this.weight = registerParameter("weight", Init.torchDefaultWeight(rng, DType.F32, shape));
        this.bias = bias ? registerParameter("bias",
                Init.torchDefaultBias(rng, Init.fanIn(shape), DType.F32, outChannels)) : null;
    }

    @Override
    protected Tensor forward(Tensor x) {
        return Functional.conv2d(x, weight.value(), bias == null ? null : bias.value(), stride, padding, dilation, groups);
    }

    @Override
    public String toString() {
        return "Conv2d(" + inChannels + ", " + outChannels + ", k=" + kernel + ", stride=" + stride + ", padding="
                + padding + (dilation != 1 ? ", dilation=" + dilation : "") + (groups != 1 ? ", groups=" + groups : "")
                + ")";
    }
}
