package org.secateur.tensor;

/**
 * Fused primitives: layer computations that the composed operations express in several passes (and several
 * intermediate tensors), done here in one. Each is a differentiable primitive whose backward is again written with
 * differentiable operations (other primitives), so gradients of gradients and exact Hessian-vector products work
 * through them as through the composed forms.
 *
 * <p>They are an optimisation behind the composed references in {@code org.secateur.nn.Functional} and
 * {@code Losses}, never the only path: {@link #enabled()} (on by default; {@code -Dsecateur.fused=false} or
 * {@link #setEnabled} turns it off) decides which one the layer functions use, and the tests compare the two.
 */
public final class Fused {
    private Fused() {}

    private static volatile boolean enabled = !"false".equals(System.getProperty("secateur.fused"));

    /** Whether layer functions use the fused primitives rather than their composed references. */
    public static boolean enabled() {
        return enabled;
    }

    /** Chooses fused primitives ({@code true}) or the composed references ({@code false}) for layer functions. */
    public static void setEnabled(boolean on) {
        enabled = on;
    }

    /**
     * {@code x W^T + b} for {@code x [M, K]}, {@code W [N, K]} and {@code b [N]} (or {@code null}): one matrix
     * product with the bias added to its output in place. Same values as {@code x.matmul(w, false, true).add(b)}.
     */
    public static Tensor linear(Tensor x, Tensor w, Tensor b) {
        if (x.rank() != 2 || w.rank() != 2 || x.size(1) != w.size(1)
                || (b != null && (b.rank() != 1 || b.size(0) != w.size(0)))) {
            throw new IllegalArgumentException("linear: expected x [M, K], w [N, K], b [N], got x "
                    + Shape.str(x.shapeRef()) + ", w " + Shape.str(w.shapeRef())
                    + (b == null ? "" : ", b " + Shape.str(b.shapeRef())));
        }
        return b == null ? new FusedOps.Linear(false).apply(x, w) : new FusedOps.Linear(true).apply(x, w, b);
    }

    /**
     * Mean cross-entropy of logits {@code [N, C]} against integer labels, in one pass: row maximum, log-sum-exp and
     * the picked logit; the probabilities are kept for the backward. Same value as
     * {@code -mean(logSoftmax(logits)[i, labels[i]])}.
     */
    public static Tensor crossEntropy(Tensor logits, int[] labels) {
        if (logits.rank() != 2 || labels.length != logits.size(0)) {
            throw new IllegalArgumentException("crossEntropy: expected logits [N, C] and N labels, got "
                    + Shape.str(logits.shapeRef()) + " and " + labels.length + " labels");
        }
        int c = logits.size(1);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= c) {
                throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " is out of range [0, "
                        + c + ")");
            }
        }
        return new FusedOps.SoftmaxCrossEntropy(labels.clone()).apply(logits);
    }

    /** Softmax of a matrix {@code [N, C]} along its rows, in one pass per row. */
    public static Tensor softmax(Tensor x) {
        if (x.rank() != 2) {
            throw new IllegalArgumentException("softmax: expected [N, C], got " + Shape.str(x.shapeRef()));
        }
        return new FusedOps.Softmax().apply(x);
    }

    /**
     * Max pooling of {@code x [N, C, H, W]} with a square window, read directly from the input (no patch matrix);
     * the index of each window's first maximum is kept, and the backward scatters through it. Padding counts as
     * minus infinity. Same values as the unfold-and-max composition.
     */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding, int dilation) {
        return maxPool2d(x, kernel, stride, padding, dilation, false);
    }

    /**
     * {@link #maxPool2d} of {@code x.relu()} in one pass, without the ReLU's tensor: ReLU is applied to each element
     * as it is read. Same values and gradients as the composition (a window whose maximum is not positive passes
     * no gradient, as its winner's ReLU would not).
     */
    public static Tensor reluMaxPool2d(Tensor x, int kernel, int stride, int padding, int dilation) {
        return maxPool2d(x, kernel, stride, padding, dilation, true);
    }

    private static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding, int dilation, boolean relu) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("maxPool2d expects [N, C, H, W], got " + Shape.str(x.shapeRef()));
        }
        Conv2dGeometry g = Conv2dGeometry.of(1, x.size(2), x.size(3), kernel, stride, padding, dilation);
        return new FusedOps.MaxPool(g, relu).apply(x);
    }

    /**
     * 2-D convolution of {@code x [N, C, H, W]} with {@code w [O, C, kh, kw]} and bias {@code [O]} (or
     * {@code null}), one group: per sample, the patch matrix goes to a per-thread buffer and one matrix product
     * writes the output, bias added in place; samples are split over threads. The backward is two more
     * primitives (the input gradient, a transposed convolution, and the weight gradient), each differentiable.
     */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor b, Conv2dGeometry g) {
        Convolution.check(x, w, b, g);
        return b == null ? new Convolution.Conv(g, false).apply(x, w) : new Convolution.Conv(g, true).apply(x, w, b);
    }

    /**
     * The transposed convolution {@code y [N, C, H, W]} of {@code x [N, O, oh, ow]} with {@code w [O, C, kh, kw]}:
     * the input gradient of {@link #conv2d} (col2im of {@code W^T x}).
     */
    public static Tensor convTranspose2d(Tensor x, Tensor w, Conv2dGeometry g) {
        Convolution.checkTranspose(x, w, g);
        return new Convolution.InputGrad(g).apply(x, w);
    }
}
