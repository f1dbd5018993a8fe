package org.secateur.nn;

import java.util.Arrays;
import org.secateur.tensor.DType;
import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;

/**
 * Layer normalisation (Ba, Kiros &amp; Hinton 2016, §3) over the trailing dimensions {@code normalizedShape},
 * with an elementwise affine weight (ones) and bias (zeros) of that shape, as PyTorch's {@code LayerNorm}. The
 * statistics are the mean and biased variance of each sample, composed from tensor operations (twice
 * differentiable); training and evaluation behave alike.
 */
public final class LayerNorm extends Module {
    private final int[] normalizedShape;
    public final double eps;
    /** Elementwise scale, {@code null} without affine. */
    public final Parameter weight;
    /** Elementwise shift, {@code null} without affine. */
    public final Parameter bias;

    /** PyTorch's defaults: eps 1e-5, elementwise affine. */
    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5, true);
    }

    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine) {
        if (normalizedShape.length == 0 || Arrays.stream(normalizedShape).anyMatch(d -> d < 1) || !(eps > 0)) {
            throw new IllegalArgumentException("LayerNorm(" + Shape.str(normalizedShape) + ", eps=" + eps
                    + "): expected a non-empty shape of positive sizes and eps > 0");
        }
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.weight = elementwiseAffine ? registerParameter("weight", Tensor.ones(DType.F32, normalizedShape)) : null;
        this.bias = elementwiseAffine ? registerParameter("bias", Tensor.zeros(DType.F32, normalizedShape)) : null;
    }

    public int[] normalizedShape() {
        return normalizedShape.clone();
    }

    @Override
    protected Tensor forward(Tensor x) {
        int k = normalizedShape.length;
        int[] s = x.shape();
        if (s.length < k || !Arrays.equals(Arrays.copyOfRange(s, s.length - k, s.length), normalizedShape)) {
            throw new IllegalArgumentException(this + ": input " + Shape.str(s) + " must end with "
                    + Shape.str(normalizedShape));
        }
        int[] axes = new int[k];
        for (int i = 0; i < k; i++) {
            axes[i] = s.length - k + i;
        }
        Tensor centred = x.sub(x.mean(axes, true));
        Tensor var = centred.square().mean(axes, true);
        Tensor y = centred.mul(var.add(eps).pow(-0.5));
        if (weight != null) {
            y = y.mul(weight.value()).add(bias.value());
        }
        return y;
    }

    @Override
    public String toString() {
        return "LayerNorm(" + Shape.str(normalizedShape) + ", eps=" + eps + (weight == null ? ", affine=false" : "")
                + ")";
    }
}
