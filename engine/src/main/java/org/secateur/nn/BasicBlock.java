package org.secateur.nn;

import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/**
 * The ResNet basic block (He et al. 2016, Fig. 5 left): conv3x3-BN-ReLU-conv3x3-BN plus the shortcut, then ReLU.
 * The shortcut is the identity, or a 1x1 strided convolution with batch norm when the stride or the channel count
 * changes (projection shortcuts, option B of §3.3). Children are named as in torchvision ({@code conv1}, {@code bn1},
 * {@code relu}, {@code conv2}, {@code bn2}, {@code downsample.0}, {@code downsample.1}), so state dicts line up;
 * as there, the one {@code relu} module runs twice per forward.
 */
public final class BasicBlock extends Module {
    public final Conv2d conv1;
    public final BatchNorm bn1;
    public final Activation relu;
    public final Conv2d conv2;
    public final BatchNorm bn2;
    /** The projection shortcut, or {@code null} for the identity. */
    public final Sequential downsample;

    public BasicBlock(int inPlanes, int planes, int stride, Rng rng) {
        if (inPlanes < 1 || planes < 1 || stride < 1) {
            throw new IllegalArgumentException("BasicBlock(inPlanes=" + inPlanes + ", planes=" + planes + ", stride="
                    + stride + "): sizes must be >= 1");
        }
        conv1 = registerModule("conv1", new Conv2d(inPlanes, planes, 3, stride, 1, 1, 1, false, rng));
        bn1 = registerModule("bn1", BatchNorm.batchNorm2d(planes));
        relu = registerModule("relu", Activation.relu());
        conv2 = registerModule("conv2", new Conv2d(planes, planes, 3, 1, 1, 1, 1, false, rng));
        bn2 = registerModule("bn2", BatchNorm.batchNorm2d(planes));
        downsample = stride != 1 || inPlanes != planes
                ? registerModule("downsample", new Sequential(new Conv2d(inPlanes, planes, 1, stride, 0, 1, 1, false, rng),
                        BatchNorm.batchNorm2d(planes)))
                : null;
    }

    @Override
    protected Tensor forward(Tensor x) {
        Tensor out = relu.apply(bn1.apply(conv1.apply(x)));
        out = bn2.apply(conv2.apply(out));
        Tensor shortcut = downsample == null ? x : downsample.apply(x);
        return relu.apply(out.add(shortcut));
    }

    @Override
    public String toString() {
        return "BasicBlock(" + conv1.inChannels + ", " + conv1.outChannels + ", stride=" + conv1.stride
                + (downsample != null ? ", downsample" : "") + ")";
    }
}
