package org.secateur.nn;

import org.secateur.tensor.Conv2dGeometry;
import org.secateur.tensor.Fused;
import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;

/**
 * Stateless layer functions composed from the primitive operations, so they are differentiable to any order:
 * convolution is im2col then a matrix product, pooling is im2col then a reduction.
 *
 * <p>When {@link Fused#enabled()} (the default), linear layers, convolutions with one group, transposed
 * convolutions and max pooling run as the fused primitives of {@link Fused} instead, which compute the same values
 * in fewer passes and are differentiable to any order too; the compositions here remain the reference they are
 * tested against ({@code -Dsecateur.fused=false} selects them).
 */
public final class Functional {
    private Functional() {}

    /** {@code x W^T + b} for {@code x [..., in]}, {@code W [out, in]}, {@code b [out]} (or {@code null}). */
    public static Tensor linear(Tensor x, Tensor w, Tensor b) {
        if (x.size(-1) != w.size(1)) {
            throw new IllegalArgumentException("linear: input " + Shape.str(x.shape()) + " does not match weight "
                    + Shape.str(w.shape()) + " (expected last dimension " + w.size(1) + ")");
        }
        if (Fused.enabled() && x.dtype() == w.dtype() && (b == null || b.dtype() == w.dtype())) {
            if (x.rank() == 2) {
                return Fused.linear(x, w, b);
            }
            return Fused.linear(x.reshape(-1, w.size(1)), w, b).reshape(outShape(x.shape(), w.size(0)));
        }
        Tensor y = x.rank() == 2 ? x.matmul(w, false, true)
                : x.reshape(-1, w.size(1)).matmul(w, false, true).reshape(outShape(x.shape(), w.size(0)));
        return b == null ? y : y.add(b);
    }

    private static int[] outShape(int[] in, int out) {
        int[] s = in.clone();
        s[s.length - 1] = out;
        return s;
    }

    /**
     * 2-D convolution (cross-correlation, as PyTorch) of {@code x [N, C, H, W]} with {@code w [O, C/groups, kh, kw]}
     * and optional bias {@code [O]}.
     */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor b, int stride, int padding, int dilation, int groups) {
        if (x.rank() != 4 || w.rank() != 4) {
            throw new IllegalArgumentException("conv2d: input " + Shape.str(x.shape()) + " and weight "
                    + Shape.str(w.shape()) + " must both have rank 4");
        }
        int n = x.size(0);
        int c = x.size(1);
        int o = w.size(0);
        if (groups < 1 || c % groups != 0 || o % groups != 0 || w.size(1) * groups != c) {
            throw new IllegalArgumentException("conv2d: input " + Shape.str(x.shape()) + ", weight "
                    + Shape.str(w.shape()) + " and groups " + groups + " do not agree (need C = weight[1] * groups and "
                    + "O divisible by groups)");
        }
        Conv2dGeometry g = new Conv2dGeometry(c, x.size(2), x.size(3), w.size(2), w.size(3), stride, stride, padding,
                padding, dilation, dilation);
        if (Fused.enabled() && groups == 1 && x.dtype() == w.dtype() && (b == null || b.dtype() == w.dtype())) {
            return Fused.conv2d(x, w, b, g);
        }
        Tensor cols = x.unfold(g, 0);                       // [N, C*kh*kw, L]
        Tensor y;
        if (groups == 1) {
            y = w.reshape(o, -1).matmul(cols);               // [O, CKK] @ [N, CKK, L] -> [N, O, L]
        } else {
            Tensor gc = cols.reshape(n, groups, -1, g.positions());
            Tensor gw = w.reshape(groups, o / groups, -1);  // [G, O/G, (C/G)KK], broadcast over N
            y = gw.matmul(gc).reshape(n, o, g.positions());
        }
        y = y.reshape(n, o, g.outHeight(), g.outWidth());
        return b == null ? y : y.add(b.reshape(1, o, 1, 1));
    }

    /**
     * Transposed 2-D convolution (the adjoint of {@link #conv2d} with respect to its input, PyTorch's
     * {@code conv_transpose2d} without output padding): {@code x [N, C, H, W]} with {@code w [C, O, k, k]}, one group.
     * Output size {@code (H - 1) stride - 2 padding + dilation (k - 1) + 1}.
     */
    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor b, int stride, int padding, int dilation) {
        if (x.rank() != 4 || w.rank() != 4 || w.size(0) != x.size(1) || w.size(2) != w.size(3)) {
            throw new IllegalArgumentException("convTranspose2d: input " + Shape.str(x.shape()) + " and weight "
                    + Shape.str(w.shape()) + " must be [N, C, H, W] and [C, O, k, k]");
        }
        int n = x.size(0);
        int c = x.size(1);
        int o = w.size(1);
        int k = w.size(2);
        int outH = (x.size(2) - 1) * stride - 2 * padding + dilation * (k - 1) + 1;
        int outW = (x.size(3) - 1) * stride - 2 * padding + dilation * (k - 1) + 1;
        Conv2dGeometry g = new Conv2dGeometry(o, outH, outW, k, k, stride, stride, padding, padding, dilation, dilation);
        if (g.outHeight() != x.size(2) || g.outWidth() != x.size(3)) {
            throw new IllegalArgumentException("convTranspose2d: input " + Shape.str(x.shape())
                    + " is not a convolution output of size " + outH + "x" + outW);
        }
        if (Fused.enabled() && x.dtype() == w.dtype() && (b == null || b.dtype() == w.dtype())) {
            Tensor y = Fused.convTranspose2d(x, w, g);
            return b == null ? y : y.add(b.reshape(1, o, 1, 1));
        }
        // columns = W^T x, then col2im: exactly the input-gradient computation of conv2d
        Tensor cols = w.reshape(c, o * k * k).matmul(x.reshape(n, c, -1), true, false);   // [N, O*k*k, H*W]
        Tensor y = cols.fold(g);
        return b == null ? y : y.add(b.reshape(1, o, 1, 1));
    }

    /** The geometry of a square pooling window over each channel of {@code x [N, C, H, W]} separately. */
    private static Conv2dGeometry poolGeometry(Tensor x, int kernel, int stride, int padding, int dilation) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("pooling expects [N, C, H, W], got " + Shape.str(x.shape()));
        }
        if (padding * 2 > kernel) {
            throw new IllegalArgumentException("pooling padding " + padding + " must be at most half the kernel "
                    + kernel);
        }
        return Conv2dGeometry.of(1, x.size(2), x.size(3), kernel, stride, padding, dilation);
    }

    /** Max pooling; padding counts as minus infinity, and the gradient goes to the first maximum of each window. */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding, int dilation) {
        Conv2dGeometry g = poolGeometry(x, kernel, stride, padding, dilation);
        if (Fused.enabled()) {
            return Fused.maxPool2d(x, kernel, stride, padding, dilation);
        }
        int n = x.size(0);
        int c = x.size(1);
        Tensor cols = x.reshape(n * c, 1, x.size(2), x.size(3)).unfold(g, Double.NEGATIVE_INFINITY);
        return cols.max(1, false).reshape(n, c, g.outHeight(), g.outWidth());
    }

    /**
     * {@code maxPool2d(x.relu(), ...)}; with fused primitives on, one pass that never forms the ReLU's tensor (the
     * two layers of a CNN's {@code ReLU, MaxPool} pair, which {@link Sequential} hands here).
     */
    public static Tensor reluMaxPool2d(Tensor x, int kernel, int stride, int padding, int dilation) {
        poolGeometry(x, kernel, stride, padding, dilation);
        if (Fused.enabled()) {
            return Fused.reluMaxPool2d(x, kernel, stride, padding, dilation);
        }
        return maxPool2d(x.relu(), kernel, stride, padding, dilation);
    }

    /** Average pooling; padding counts as zeros in the average (PyTorch's {@code count_include_pad=True}). */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding) {
        Conv2dGeometry g = poolGeometry(x, kernel, stride, padding, 1);
        int n = x.size(0);
        int c = x.size(1);
        Tensor cols = x.reshape(n * c, 1, x.size(2), x.size(3)).unfold(g, 0);
        return cols.mean(1, false).reshape(n, c, g.outHeight(), g.outWidth());
    }

    /**
     * Adaptive average pooling to {@code outH x outW}: output cell {@code i} averages input rows
     * {@code [floor(i H / outH), ceil((i+1) H / outH))}, as PyTorch. A linear map, applied as one matrix product.
     */
    public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        if (x.rank() != 4 || outH < 1 || outW < 1) {
            throw new IllegalArgumentException("adaptiveAvgPool2d expects [N, C, H, W] and a positive output size, got "
                    + Shape.str(x.shape()) + " -> " + outH + "x" + outW);
        }
        int n = x.size(0);
        int c = x.size(1);
        int h = x.size(2);
        int w = x.size(3);
        Tensor pool = Tensor.zeros(x.dtype(), h * w, outH * outW);
        for (int i = 0; i < outH; i++) {
            int y0 = Math.floorDiv(i * h, outH);
            int y1 = -Math.floorDiv(-(i + 1) * h, outH);
            for (int j = 0; j < outW; j++) {
                int x0 = Math.floorDiv(j * w, outW);
                int x1 = -Math.floorDiv(-(j + 1) * w, outW);
                double share = 1.0 / ((y1 - y0) * (x1 - x0));
                for (int yy = y0; yy < y1; yy++) {
                    for (int xx = x0; xx < x1; xx++) {
                        pool.setFlat((yy * w + xx) * outH * outW + i * outW + j, share);
                    }
                }
            }
        }
        return x.reshape(n, c, h * w).matmul(pool).reshape(n, c, outH, outW);
    }
}
