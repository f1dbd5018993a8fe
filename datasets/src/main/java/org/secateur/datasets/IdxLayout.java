package org.secateur.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The MNIST file layout shared by MNIST, Fashion-MNIST and KMNIST: four IDX files, each raw or gzip-compressed (the
 * name with or without {@code .gz}).
 *
 * @param classNames the class names in label order
 */
record IdxLayout(List<String> classNames) implements ImageLayout {
    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    /** The file holding {@code base} in {@code dir} (raw preferred, then {@code .gz}), or {@code null}. */
    static Path find(Path dir, String base) {
        for (Path p : List.of(dir.resolve(base), dir.resolve(base + ".gz"))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    @Override
    public List<String> missingIn(Path dir) {
        return FILES.stream().filter(f -> find(dir, f) == null).map(f -> f + "[.gz]").toList();
    }

    @Override
    public List<RemoteFile> toDownload(Path dir, List<RemoteFile> available) {
        return available.stream().filter(r -> find(dir, r.name().replaceFirst("\\.gz$", "")) == null).toList();
    }

    @Override
    public void unpack(Path dir) {
        // IDX files are read compressed as they come.
    }

    @Override
    public TrainTest<ImageDataset> read(Path dir) throws IOException {
        return new TrainTest<>(
                IdxImages.read(find(dir, TRAIN_IMAGES), find(dir, TRAIN_LABELS), classNames),
                IdxImages.read(find(dir, TEST_IMAGES), find(dir, TEST_LABELS), classNames));
    }
}
