package org.secateur.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an image file and a label file in IDX format (the MNIST layout: images {@code N x H x W} unsigned bytes,
 * labels {@code N} unsigned bytes) into an {@link ImageDataset}, checking that they belong together.
 */
public final class IdxImages {
    private IdxImages() {}

    /**
     * Reads and cross-checks an image file and its label file.
     *
     * @throws DatasetFormatException if either file is malformed, has the wrong type or rank, the counts differ, or a
     *     label is not below {@code classNames.size()}
     */
    public static ImageDataset read(Path imagesFile, Path labelsFile, List<String> classNames) throws IOException {
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("classNames must name at least one class");
        }
        IdxArray images = IdxReader.read(imagesFile);
        IdxArray labels = IdxReader.read(labelsFile);
        requireLayout(imagesFile, images, 3, "images N x height x width");
        requireLayout(labelsFile, labels, 1, "labels N");
        boolean labelsCompressed = FormatInput.isGzip(labelsFile);
        int n = images.shape()[0];
        if (labels.shape()[0] != n) {
            throw new DatasetFormatException(labelsFile.toString(), "size of dimension 0", 4, labelsCompressed,
                    labels.shape()[0] + " labels, but " + imagesFile + " holds " + n + " images");
        }
        int[] l = new int[n];
        byte[] raw = labels.data();
        int headerBytes = 8; // magic, type, rank, one size
        for (int i = 0; i < n; i++) {
            l[i] = raw[i] & 0xff;
            if (l[i] >= classNames.size()) {
                throw new DatasetFormatException(labelsFile.toString(), "label " + i, headerBytes + i, labelsCompressed,
                        "value " + l[i] + " is not a class; expected 0 to " + (classNames.size() - 1));
            }
        }
        return new ImageDataset(images.data(), l, 1, images.shape()[1], images.shape()[2], classNames.size(),
                classNames);
    }

    private static void requireLayout(Path file, IdxArray a, int rank, String expected) throws IOException {
        boolean compressed = FormatInput.isGzip(file);
        if (a.type() != IdxType.UNSIGNED_BYTE) {
            throw new DatasetFormatException(file.toString(), "dtype code", 2, compressed, String.format(
                    "0x%02X (%s); expected 0x08 (unsigned byte) for %s", a.type().code, a.type(), expected));
        }
        if (a.shape().length != rank) {
            throw new DatasetFormatException(file.toString(), "dimension count", 3, compressed, a.shape().length
                    + " dimensions " + Arrays.toString(a.shape()) + "; expected " + rank + " (" + expected + ")");
        }
    }
}
