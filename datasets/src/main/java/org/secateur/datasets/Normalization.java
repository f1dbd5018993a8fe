package org.secateur.datasets;

import java.util.Arrays;

/**
 * Per-channel normalisation of pixels: {@code (pixel / 255 - mean[c]) / std[c]}.
 *
 * @param mean the mean of each channel, on the {@code [0, 1]} scale
 * @param std the standard deviation of each channel, positive
 */
public record Normalization(double[] mean, double[] std) {
    /** The usual Fashion-MNIST training-set statistics. */
    public static final Normalization FASHION_MNIST = of(0.2860, 0.3530);
    /** The usual MNIST training-set statistics. */
    public static final Normalization MNIST = of(0.1307, 0.3081);
    /** The usual CIFAR-10 training-set statistics (red, green, blue). */
    public static final Normalization CIFAR10 = new Normalization(new double[] {0.4914, 0.4822, 0.4465},
            new double[] {0.2470, 0.2435, 0.2616});

    /** Checks one positive, finite std per mean. */
    public Normalization {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("mean " + Arrays.toString(mean) + " and std " + Arrays.toString(std)
                    + " must have the same, non-zero length");
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || !Double.isFinite(std[c]) || !Double.isFinite(mean[c])) {
                throw new IllegalArgumentException("channel " + c + " has mean " + mean[c] + " and std " + std[c]
                        + "; expected finite values and std > 0");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** One channel. */
    public static Normalization of(double mean, double std) {
        return new Normalization(new double[] {mean}, new double[] {std});
    }

    /** Pixels scaled to {@code [0, 1]} only. */
    public static Normalization none(int channels) {
        double[] one = new double[channels];
        Arrays.fill(one, 1);
        return new Normalization(new double[channels], one);
    }

    /** The mean and (population) standard deviation of each channel of {@code images}, on the [0, 1] scale. */
    public static Normalization fit(ImageDataset images) {
        int c = images.channels();
        int plane = images.height() * images.width();
        long[][] counts = new long[c][256];
        byte[] p = images.pixels();
        for (int i = 0; i < images.size(); i++) {
            for (int ch = 0; ch < c; ch++) {
                int off = (i * c + ch) * plane;
                for (int j = 0; j < plane; j++) {
                    counts[ch][p[off + j] & 0xff]++;
                }
            }
        }
        // Histograms make the sums exact and the pass cheap; the moments follow from 256 terms.
        double[] mean = new double[c];
        double[] std = new double[c];
        double n = (double) images.size() * plane;
        for (int ch = 0; ch < c; ch++) {
            double s = 0;
            for (int v = 0; v < 256; v++) {
                s += counts[ch][v] * (v / 255.0);
            }
            mean[ch] = s / n;
            double ss = 0;
            for (int v = 0; v < 256; v++) {
                double dev = v / 255.0 - mean[ch];
                ss += counts[ch][v] * dev * dev;
            }
            std[ch] = Math.sqrt(ss / n);
        }
        return new Normalization(mean, std);
    }

    /** Number of channels. */
    public int channels() {
        return mean.length;
    }

    /** The normalised value of each byte value, per channel: {@code table[c][pixel]}. */
    double[][] table() {
        double[][] t = new double[mean.length][256];
        for (int c = 0; c < mean.length; c++) {
            for (int v = 0; v < 256; v++) {
                t[c][v] = (v / 255.0 - mean[c]) / std[c];
            }
        }
        return t;
    }

    @Override
    public String toString() {
        return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
