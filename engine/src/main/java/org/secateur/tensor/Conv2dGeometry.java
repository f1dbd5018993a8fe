package org.secateur.tensor;

/**
 * The sliding-window geometry of a 2-D convolution or pooling over a {@code channels x height x width} input:
 * kernel, stride, zero padding and dilation per axis, and the output size they imply
 * ({@code floor((h + 2p - d(k-1) - 1) / s) + 1}, as in PyTorch).
 */
public record Conv2dGeometry(int channels, int height, int width, int kh, int kw, int sh, int sw, int ph, int pw,
                             int dh, int dw) {

    public Conv2dGeometry {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("input channels/height/width must be >= 1, got " + channels + "x"
                    + height + "x" + width);
        }
        if (kh < 1 || kw < 1 || sh < 1 || sw < 1 || dh < 1 || dw < 1 || ph < 0 || pw < 0) {
            throw new IllegalArgumentException("kernel " + kh + "x" + kw + ", stride " + sh + "x" + sw
                    + " and dilation " + dh + "x" + dw + " must be >= 1 and padding " + ph + "x" + pw + " >= 0");
        }
        // the padded input must hold the dilated kernel; checked before dividing (truncation would hide a miss)
        if (height + 2 * ph - dh * (kh - 1) - 1 < 0 || width + 2 * pw - dw * (kw - 1) - 1 < 0) {
            throw new IllegalArgumentException("kernel " + kh + "x" + kw + " (dilation " + dh + "x" + dw
                    + ", padding " + ph + "x" + pw + ") does not fit input " + height + "x" + width);
        }
    }

    /** Square kernel, stride, padding and dilation. */
    public static Conv2dGeometry of(int channels, int height, int width, int k, int stride, int padding, int dilation) {
        return new Conv2dGeometry(channels, height, width, k, k, stride, stride, padding, padding, dilation, dilation);
    }

    private static int outSize(int in, int k, int s, int p, int d) {
        return (in + 2 * p - d * (k - 1) - 1) / s + 1;
    }

    public int outHeight() {
        return outSize(height, kh, sh, ph, dh);
    }

    public int outWidth() {
        return outSize(width, kw, sw, pw, dw);
    }

    /** Rows of the unfolded matrix: {@code channels * kh * kw}. */
    public int patchSize() {
        return channels * kh * kw;
    }

    /** Columns of the unfolded matrix: {@code outHeight * outWidth}. */
    public int positions() {
        return outHeight() * outWidth();
    }
}
