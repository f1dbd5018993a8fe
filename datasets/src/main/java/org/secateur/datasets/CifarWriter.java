package org.secateur.datasets;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** A writer of CIFAR-10 binary batches; {@link CifarReader} reads them back exactly. */
public final class CifarWriter {
    private CifarWriter() {}

    /**
     * Writes {@code images} as one batch file.
     *
     * @throws IllegalArgumentException if the images are not 3 x 32 x 32 or have more than 256 classes
     */
    public static void write(Path file, ImageDataset images) throws IOException {
        if (images.channels() != 3 || images.height() != 32 || images.width() != 32) {
            throw new IllegalArgumentException("images must be 3x32x32 for the CIFAR format, got "
                    + images.describe());
        }
        if (images.numClasses() > 256) {
            throw new IllegalArgumentException("a CIFAR label is one byte, but images have " + images.numClasses()
                    + " classes");
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            for (int i = 0; i < images.size(); i++) {
                out.write(images.labels()[i]);
                out.write(images.pixels(), i * CifarReader.IMAGE_BYTES, CifarReader.IMAGE_BYTES);
            }
        }
    }
}
