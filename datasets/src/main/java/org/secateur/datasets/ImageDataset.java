package org.secateur.datasets;

import java.util.List;

/**
 * Labelled images held compactly: unsigned 8-bit pixels in {@code N x C x H x W} order and one class label each.
 * Sixty thousand Fashion-MNIST images take 47 MB this way; conversion to floats happens per batch
 * ({@link #batches}).
 *
 * <p>The arrays are shared, not copied: treat them as read-only.
 *
 * @param pixels {@code size * channels * height * width} unsigned bytes (read with {@code & 0xff})
 * @param labels one class index per image, each in {@code [0, numClasses)}
 * @param channels colour channels (1 for MNIST, 3 for CIFAR-10)
 * @param height image height in pixels
 * @param width image width in pixels
 * @param numClasses the number of classes
 * @param classNames the class names in label order, or an empty list when unknown
 */
public record ImageDataset(byte[] pixels, int[] labels, int channels, int height, int width, int numClasses,
        List<String> classNames) {

    /** Checks that the sizes agree and every label is a class. */
    public ImageDataset {
        requirePositive("channels", channels);
        requirePositive("height", height);
        requirePositive("width", width);
        requirePositive("numClasses", numClasses);
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException("pixels has " + pixels.length + " bytes but " + labels.length
                    + " images of " + channels + "x" + height + "x" + width + " need " + expected);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("labels[" + i + "] = " + labels[i] + " is not in [0, " + numClasses
                        + ")");
            }
        }
        classNames = List.copyOf(classNames);
        if (!classNames.isEmpty() && classNames.size() != numClasses) {
            throw new IllegalArgumentException("classNames has " + classNames.size() + " names for " + numClasses
                    + " classes");
        }
    }

    /** Number of images. */
    public int size() {
        return labels.length;
    }

    /** Bytes per image: {@code channels * height * width}. */
    public int imageSize() {
        return channels * height * width;
    }

    /** How many images each class has. */
    public int[] classCounts() {
        int[] c = new int[numClasses];
        for (int l : labels) {
            c[l]++;
        }
        return c;
    }

    /** Pixel value in {@code [0, 255]}. */
    public int pixel(int image, int channel, int y, int x) {
        return pixels[((image * channels + channel) * height + y) * width + x] & 0xff;
    }

    /** The images at {@code indices}, in that order (copied). */
    public ImageDataset subset(int[] indices) {
        int m = imageSize();
        byte[] p = new byte[indices.length * m];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int src = indices[i];
            if (src < 0 || src >= size()) {
                throw new IllegalArgumentException("indices[" + i + "] = " + src + " is not in [0, " + size() + ")");
            }
            System.arraycopy(pixels, src * m, p, i * m, m);
            l[i] = labels[src];
        }
        return new ImageDataset(p, l, channels, height, width, numClasses, classNames);
    }

    /** The images of several datasets of the same geometry and classes, one after another. */
    public static ImageDataset concat(List<ImageDataset> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("concat needs at least one dataset");
        }
        ImageDataset first = parts.getFirst();
        long total = 0;
        for (ImageDataset d : parts) {
            if (d.channels != first.channels || d.height != first.height || d.width != first.width
                    || d.numClasses != first.numClasses) {
                throw new IllegalArgumentException("cannot concat " + d.describe() + " to " + first.describe());
            }
            total += d.size();
        }
        if (total * first.imageSize() > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(total + " images do not fit in one byte array");
        }
        byte[] p = new byte[(int) total * first.imageSize()];
        int[] l = new int[(int) total];
        int at = 0;
        for (ImageDataset d : parts) {
            System.arraycopy(d.pixels, 0, p, at * first.imageSize(), d.pixels.length);
            System.arraycopy(d.labels, 0, l, at, d.size());
            at += d.size();
        }
        return new ImageDataset(p, l, first.channels, first.height, first.width, first.numClasses, first.classNames);
    }

    /** A source of float batches: pixels scaled to {@code [0, 1]} then normalised; no augmentation. */
    public ImageBatchSource batches(Normalization normalization) {
        return new ImageBatchSource(this, normalization, Augmentation.NONE);
    }

    /** A source of float batches with seeded augmentation (for training sets). */
    public ImageBatchSource batches(Normalization normalization, Augmentation augmentation) {
        return new ImageBatchSource(this, normalization, augmentation);
    }

    /** A short description such as {@code "60000 images 1x28x28, 10 classes"}. */
    public String describe() {
        return size() + " images " + channels + "x" + height + "x" + width + ", " + numClasses + " classes";
    }

    @Override
    public String toString() {
        return "ImageDataset[" + describe() + "]";
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
