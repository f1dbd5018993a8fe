package org.secateur.nn;

import org.secateur.tensor.DType;
import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;

/**
 * A trainable tensor of a {@link Module}, optionally carrying a pruning mask.
 *
 * <p>As in {@code torch.nn.utils.prune}, a masked parameter keeps its dense values ({@code weight_orig}) and a
 * 0/1 mask ({@code weight_mask}); the forward pass uses {@link #value()} = values * mask, so pruned entries get a
 * zero gradient, and optimizers leave the masked entries' values untouched. {@link #makePermanent()} folds the
 * mask into the values; {@link #removeMask()} undoes the pruning.
 */
public final class Parameter {
    private Tensor data;
    private Tensor mask;

    public Parameter(Tensor data) {
        this.data = leaf(data);
    }

    private static Tensor leaf(Tensor t) {
        return t.detach().requiresGrad(true);
    }

    /** The dense values (the unmasked {@code weight_orig} when a mask is set). A live leaf tensor. */
    public Tensor data() {
        return data;
    }

    /** What the forward pass uses: the values, times the mask when one is set. */
    public Tensor value() {
        return mask == null ? data : data.mul(mask);
    }

    /** Replaces the values (same shape); the gradient is cleared. */
    public void setData(Tensor values) {
        Shape.requireEqual("parameter values", data.shape(), values.shape());
        data = leaf(values.to(data.dtype()));
    }

    /** The accumulated gradient with respect to the dense values, or {@code null}. */
    public Tensor grad() {
        return data.grad();
    }

    /** Clears the gradient. */
    public void zeroGrad() {
        data.setGrad(null);
    }

    /** The 0/1 mask, or {@code null} when the parameter is dense. */
    public Tensor mask() {
        return mask;
    }

    public boolean isMasked() {
        return mask != null;
    }

    /** Sets the pruning mask: same shape, every entry 0 or 1. */
    public void setMask(Tensor m) {
        Shape.requireEqual("mask", data.shape(), m.shape());
        Tensor cast = m.to(data.dtype()).copy();
        for (int i = 0, n = cast.numel(); i < n; i++) {
            double v = cast.getFlat(i);
            if (v != 0 && v != 1) {
                throw new IllegalArgumentException("mask entries must be 0 or 1, found " + v + " at flat index " + i);
            }
        }
        mask = cast;
    }

    /** Drops the mask, restoring the dense values it hid. */
    public void removeMask() {
        mask = null;
    }

    /** Folds the mask into the values (pruned entries become 0) and drops it, as PyTorch's {@code prune.remove}. */
    public void makePermanent() {
        if (mask != null) {
            data.mulInPlace(mask);
            mask = null;
        }
    }

    public int[] shape() {
        return data.shape();
    }

    public int numel() {
        return data.numel();
    }

    public DType dtype() {
        return data.dtype();
    }

    /** Converts values (and mask) to another dtype, dropping the gradient. */
    public void to(DType dtype) {
        if (dtype != data.dtype()) {
            data = leaf(data.to(dtype));
            if (mask != null) {
                mask = mask.to(dtype);
            }
        }
    }

    @Override
    public String toString() {
        return "Parameter" + Shape.str(data.shape()) + (mask != null ? " masked" : "");
    }
}
