package org.secateur.sparsity.quant;

/**
 * A symmetric uniform k-bit grid per output row ("per channel"): row {@code r} may take the values
 * {@code s_r * q} for integers {@code |q| <= L = 2^(k-1) - 1}, with the step {@code s_r = max_j |w_rj| / L} set so
 * that the row's largest weight is on the grid. Zero is on every grid, so pruned weights stay pruned. (GPTQ's
 * reference quantizer with {@code sym=True} instead uses {@code 2^k} levels {@code -2^(k-1) .. 2^(k-1) - 1} with
 * the step {@code 2 max |w| / (2^k - 1)}, which clips the largest weight.)
 *
 * @param bits   {@code k}, from 2 to 16
 * @param scales the step {@code s_r} of each row
 */
public record QuantGrid(int bits, double[] scales) {

    public QuantGrid {
        if (bits < 2 || bits > 16) {
            throw new IllegalArgumentException("bits = " + bits + ": expected 2 to 16 (a symmetric grid needs a level "
                    + "on each side of zero)");
        }
    }

    /** The grid fitted to the rows of {@code w}, a {@code rows x cols} matrix; an all-zero row gets step 1. */
    public static QuantGrid fit(int bits, double[] w, int rows, int cols) {
        int levels = (1 << (bits - 1)) - 1;
        double[] scales = new double[rows];
        for (int r = 0; r < rows; r++) {
            double max = 0;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, Math.abs(w[r * cols + c]));
            }
            scales[r] = max > 0 ? max / levels : 1;
        }
        return new QuantGrid(bits, scales);
    }

    /** {@code L}, the largest level. */
    public int levels() {
        return (1 << (bits - 1)) - 1;
    }

    /** The grid point of row {@code r} nearest to {@code x} (ties to even), clamped to {@code +-L s_r}. */
    public double quantize(int r, double x) {
        double s = scales[r];
        int l = levels();
        return s * Math.max(-l, Math.min(l, Math.rint(x / s)));
    }
}
