package org.secateur.nn;

import java.util.Arrays;
import org.secateur.autograd.GradMode;
import org.secateur.tensor.DType;
import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;

/**
 * Batch normalisation over the channel axis 1 (Ioffe &amp; Szegedy 2015, Algorithm 1): PyTorch's
 * {@code BatchNorm1d} ({@code [N, C]} or {@code [N, C, L]}) and {@code BatchNorm2d} ({@code [N, C, H, W]}).
 *
 * <p>In training the batch mean and biased variance over every axis but 1 normalise the input, and the running
 * estimates move by {@code momentum} towards the batch mean and the <em>unbiased</em> batch variance (as PyTorch;
 * Algorithm 2 uses the unbiased estimate for inference too); in evaluation the running estimates normalise. The
 * normalisation is composed from tensor operations, so it is differentiable twice through the batch statistics.
 * Buffers carry PyTorch's names ({@code running_mean}, {@code running_var}, {@code num_batches_tracked}); the batch
 * count is a float like every tensor here, exact up to 2^24 batches in float32.
 */
public final class BatchNorm extends Module {
    /** The input layouts: which ranks the layer accepts. */
    public enum Dims {
        /** {@code BatchNorm1d}: {@code [N, C]} or {@code [N, C, L]}. */
        ONE(2, 3),
        /** {@code BatchNorm2d}: {@code [N, C, H, W]}. */
        TWO(4);

        private final int[] ranks;

        Dims(int... ranks) {
            this.ranks = ranks;
        }

        boolean accepts(int rank) {
            return Arrays.stream(ranks).anyMatch(r -> r == rank);
        }
    }

    public final Dims dims;
    public final int numFeatures;
    public final double eps;
    public final double momentum;
    /** The scale gamma, initialised to ones; {@code null} without affine. */
    public final Parameter weight;
    /** The shift beta, initialised to zeros; {@code null} without affine. */
    public final Parameter bias;

    /** PyTorch's {@code BatchNorm1d(numFeatures)}: eps 1e-5, momentum 0.1, affine. */
    public static BatchNorm batchNorm1d(int numFeatures) {
        return new BatchNorm(Dims.ONE, numFeatures, 1e-5, 0.1, true);
    }

    /** PyTorch's {@code BatchNorm2d(numFeatures)}: eps 1e-5, momentum 0.1, affine. */
    public static BatchNorm batchNorm2d(int numFeatures) {
        return new BatchNorm(Dims.TWO, numFeatures, 1e-5, 0.1, true);
    }

    public BatchNorm(Dims dims, int numFeatures, double eps, double momentum, boolean affine) {
        if (numFeatures < 1 || !(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNorm(numFeatures=" + numFeatures + ", eps=" + eps + ", momentum="
                    + momentum + "): expected numFeatures >= 1, eps > 0 and momentum in [0, 1]");
        }
        this.dims = dims;
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = affine ? registerParameter("weight", Tensor.ones(DType.F32, numFeatures)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(DType.F32, numFeatures)) : null;
        registerBuffer("running_mean", Tensor.zeros(DType.F32, numFeatures));
        registerBuffer("running_var", Tensor.ones(DType.F32, numFeatures));
        registerBuffer("num_batches_tracked", Tensor.zeros(DType.F32));
    }

    public Tensor runningMean() {
        return buffer("running_mean");
    }

    public Tensor runningVar() {
        return buffer("running_var");
    }

    public long numBatchesTracked() {
        return (long) buffer("num_batches_tracked").item();
    }

    @Override
    protected Tensor forward(Tensor x) {
        checkInput(x);
        int[] axes = reducedAxes(x.rank());
        int[] channelShape = channelShape(x.rank());
        Tensor centred;
        Tensor var;
        if (isTraining()) {
            int count = x.numel() / numFeatures;
            if (count < 2) {
                throw new IllegalArgumentException("BatchNorm in training needs more than 1 value per channel, got input "
                        + Shape.str(x.shape()));
            }
            Tensor mean = x.mean(axes, true);
            centred = x.sub(mean);
            var = centred.square().mean(axes, true);
            updateRunningStats(mean, var, count);
        } else {
            centred = x.sub(runningMean().reshape(channelShape));
            var = runningVar().reshape(channelShape);
        }
        // Scale once per channel, then one pass over the input: y = (x - mean) * (gamma / sqrt(var + eps)) + beta.
        Tensor scale = var.add(eps).pow(-0.5);
        if (weight != null) {
            scale = scale.mul(weight.value().reshape(channelShape));
        }
        Tensor y = centred.mul(scale);
        return bias == null ? y : y.add(bias.value().reshape(channelShape));
    }

    private void updateRunningStats(Tensor mean, Tensor biasedVar, int count) {
        try (var off = GradMode.noGrad()) {
            Tensor batchMean = mean.detach().reshape(numFeatures);
            Tensor unbiasedVar = biasedVar.detach().reshape(numFeatures).mul((double) count / (count - 1));
            setBuffer("running_mean", runningMean().mul(1 - momentum).add(batchMean.mul(momentum)));
            setBuffer("running_var", runningVar().mul(1 - momentum).add(unbiasedVar.mul(momentum)));
            setBuffer("num_batches_tracked", buffer("num_batches_tracked").add(1));
        }
    }

    private void checkInput(Tensor x) {
        if (!dims.accepts(x.rank()) || x.size(1) != numFeatures) {
            throw new IllegalArgumentException(this + ": expected input " + (dims == Dims.ONE ? "[N, " + numFeatures
                    + "] or [N, " + numFeatures + ", L]" : "[N, " + numFeatures + ", H, W]") + ", got "
                    + Shape.str(x.shape()));
        }
        if (x.dtype() != runningMean().dtype()) {
            throw new IllegalArgumentException(this + " holds " + runningMean().dtype() + " but the input is "
                    + x.dtype() + "; convert the module with to(" + x.dtype() + ")");
        }
    }

    /** Every axis but the channel axis 1. */
    private static int[] reducedAxes(int rank) {
        int[] axes = new int[rank - 1];
        axes[0] = 0;
        for (int i = 2; i < rank; i++) {
            axes[i - 1] = i;
        }
        return axes;
    }

    /** {@code [1, C, 1, ...]}: per-channel values broadcast against the input. */
    private int[] channelShape(int rank) {
        int[] s = new int[rank];
        Arrays.fill(s, 1);
        s[1] = numFeatures;
        return s;
    }

    @Override
    public String toString() {
        return "BatchNorm" + (dims == Dims.ONE ? "1d" : "2d") + "(" + numFeatures + ", eps=" + eps + ", momentum="
                + momentum + (weight == null ? ", affine=false" : "") + ")";
    }
}
