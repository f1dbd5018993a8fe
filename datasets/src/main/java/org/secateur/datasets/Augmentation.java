package org.secateur.datasets;

import org.secateur.tensor.Rng;

/**
 * Seeded image augmentation on raw pixels: a random crop of the original size from the image padded with
 * {@code padding} zero pixels on each side, then a horizontal flip with probability 1/2. It runs before
 * normalisation, so padding is black as in torchvision's {@code RandomCrop(padding)} followed by {@code Normalize}.
 *
 * @param padding zero pixels added on each side before cropping (0 for no crop)
 * @param horizontalFlip whether to flip left-right with probability 1/2
 */
public record Augmentation(int padding, boolean horizontalFlip) {
    /** No augmentation. */
    public static final Augmentation NONE = new Augmentation(0, false);

    /** Checks that the padding is not negative. */
    public Augmentation {
        if (padding < 0) {
            throw new IllegalArgumentException("padding must be >= 0, got " + padding);
        }
    }

    /** Whether this changes anything. */
    public boolean isIdentity() {
        return padding == 0 && !horizontalFlip;
    }

    /**
     * Writes an augmented copy of the {@code channels x height x width} image at {@code src[srcOff]} to {@code dst}
     * (same size). Draws the crop offsets and then the flip from {@code rng}, in that order.
     */
    public void apply(byte[] src, int srcOff, int channels, int height, int width, Rng rng, byte[] dst) {
        int dy = padding == 0 ? 0 : rng.nextInt(2 * padding + 1) - padding;
        int dx = padding == 0 ? 0 : rng.nextInt(2 * padding + 1) - padding;
        boolean flip = horizontalFlip && rng.nextInt(2) == 1;
        for (int c = 0; c < channels; c++) {
            int plane = c * height * width;
            for (int y = 0; y < height; y++) {
                int sy = y + dy;
                for (int x = 0; x < width; x++) {
                    int sx = (flip ? width - 1 - x : x) + dx;
                    boolean inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
                    dst[plane + y * width + x] = inside ? src[srcOff + plane + sy * width + sx] : 0;
                }
            }
        }
    }
}
