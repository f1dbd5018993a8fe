package org.secateur.sparsity.secondorder;

import java.util.Arrays;
import org.secateur.autograd.GradMode;
import org.secateur.nn.Conv2d;
import org.secateur.nn.Linear;
import org.secateur.nn.Module;
import org.secateur.tensor.Conv2dGeometry;
import org.secateur.tensor.Tensor;
import org.secateur.tensor.kernels.Parallel;

/**
 * The Hessian {@code H = (2/N) sum_x x x^T} of the layer-wise reconstruction loss {@code ||W X - W_hat X||^2 / N}
 * of a Linear or Conv2d layer (OBC, Frantar, Singh &amp; Alistarh 2022, §3, eq. 2), accumulated in float64 over
 * calibration batches of the layer's inputs without storing them. The {@code x} are the rows of a Linear input and
 * the unfolded patches of a Conv2d input (all positions of all images), so that a row of the weight matrix
 * {@code [out, in*kh*kw]} is one least-squares problem; {@code N} counts images, as OBC's {@code add_batch} does.
 */
public final class LayerHessian {
    private static final RowKernels K = RowKernels.CHOSEN;

    private final Module layer;
    private final int columns;
    private final double[] sum;
    private long samples;

    private LayerHessian(Module layer, int columns) {
        this.layer = layer;
        this.columns = columns;
        this.sum = new double[columns * columns];
    }

    /** An empty accumulator for a Linear or (ungrouped) Conv2d layer. */
    public static LayerHessian of(Module layer) {
        return switch (layer) {
            case Linear l -> new LayerHessian(l, l.inFeatures);
            case Conv2d c when c.groups == 1 -> new LayerHessian(c, c.inChannels * c.kernel * c.kernel);
            default -> throw new IllegalArgumentException("layer-wise Hessians are for Linear and ungrouped Conv2d "
                    + "layers, got " + layer);
        };
    }

    /** The number of columns {@code d_col} of the weight matrix, the order of {@code H}. */
    public int columns() {
        return columns;
    }

    /** The number of samples {@code N} added. */
    public long samples() {
        return samples;
    }

    /** Adds a batch of the layer's inputs: {@code [B, ..., in]} for Linear, {@code [B, C, H, W]} for Conv2d. */
    public void add(Tensor input) {
        double[] x;
        try (var off = GradMode.noGrad()) {
            x = patches(input).toDoubleArray();
        }
        int count = x.length / columns;
        int d = columns;
        // the lower triangle, row i of it += x_i * x[0..i] for every sample; row p is paired with row d-1-p so that
        // every pair costs the same, and pairs are split over threads (each row has one writer)
        int pairs = (d + 1) / 2;
        Parallel.forRange(pairs, Math.max(1, (1 << 16) / Math.max(1, count * d)), (from, to) -> {
            for (int s = 0; s < count; s++) {
                int xs = s * d;
                for (int p = from; p < to; p++) {
                    addToRow(x, xs, p);
                    if (d - 1 - p != p) {
                        addToRow(x, xs, d - 1 - p);
                    }
                }
            }
        });
        samples += input.size(0);
    }

    private void addToRow(double[] x, int xs, int i) {
        double xi = x[xs + i];
        if (xi != 0) {
            K.axpy(xi, x, xs, sum, i * columns, i + 1);
        }
    }

    /** The layer input as one row per least-squares sample: {@code [samples, columns]}. */
    private Tensor patches(Tensor input) {
        if (layer instanceof Conv2d c) {
            if (input.rank() != 4 || input.size(1) != c.inChannels) {
                throw new IllegalArgumentException("Conv2d input must be [B, " + c.inChannels + ", H, W], got "
                        + Arrays.toString(input.shape()));
            }
            Conv2dGeometry g = Conv2dGeometry.of(c.inChannels, input.size(2), input.size(3), c.kernel, c.stride,
                    c.padding, c.dilation);
            Tensor cols = input.unfold(g, 0);                              // [B, C*k*k, L]
            return cols.permute(0, 2, 1).reshape(-1, columns);
        }
        if (input.size(input.rank() - 1) != columns) {
            throw new IllegalArgumentException("Linear input must end in " + columns + " features, got "
                    + Arrays.toString(input.shape()));
        }
        return input.reshape(-1, columns);
    }

    /** {@code H = (2/N) sum x x^T}, a new symmetric {@code columns x columns} matrix. */
    public double[] matrix() {
        if (samples == 0) {
            throw new IllegalStateException("no calibration inputs were added for " + layer);
        }
        int d = columns;
        double[] h = new double[d * d];
        double scale = 2.0 / samples;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                h[i * d + j] = scale * sum[i * d + j];
                h[j * d + i] = h[i * d + j];
            }
        }
        return h;
    }
}
