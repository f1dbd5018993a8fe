package org.secateur.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The CIFAR-10 binary layout: {@code data_batch_1.bin} to {@code data_batch_5.bin} and {@code test_batch.bin},
 * directly in the directory or in its {@code cifar-10-batches-bin/} subfolder (as the official archive unpacks).
 */
record CifarLayout() implements ImageLayout {
    static final String ARCHIVE = "cifar-10-binary.tar.gz";
    static final String SUBFOLDER = "cifar-10-batches-bin";
    static final List<String> TRAIN = List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
            "data_batch_4.bin", "data_batch_5.bin");
    static final String TEST = "test_batch.bin";
    /** Largest member of the archive we accept: a batch is 30.7 MB. */
    private static final long MAX_MEMBER_BYTES = 64L << 20;

    private static List<String> files() {
        List<String> all = new ArrayList<>(TRAIN);
        all.add(TEST);
        return all;
    }

    /** The folder holding the batches: the subfolder when it exists, else {@code dir}. */
    private static Path root(Path dir) {
        Path sub = dir.resolve(SUBFOLDER);
        return Files.isDirectory(sub) ? sub : dir;
    }

    @Override
    public List<String> classNames() {
        return CifarReader.CLASS_NAMES;
    }

    @Override
    public List<String> missingIn(Path dir) {
        Path root = root(dir);
        return files().stream().filter(f -> !Files.isRegularFile(root.resolve(f)))
                .map(f -> (root.equals(dir) ? "" : SUBFOLDER + "/") + f).toList();
    }

    @Override
    public List<RemoteFile> toDownload(Path dir, List<RemoteFile> available) {
        if (missingIn(dir).isEmpty()) {
            return List.of();
        }
        return available.stream().filter(r -> !Files.isRegularFile(dir.resolve(r.name()))).toList();
    }

    @Override
    public void unpack(Path dir) throws IOException {
        Path archive = dir.resolve(ARCHIVE);
        if (!Files.isRegularFile(archive) || missingIn(dir).isEmpty()) {
            return;
        }
        List<String> wanted = files().stream().map(f -> SUBFOLDER + "/" + f).toList();
        try (FormatInput in = FormatInput.open(archive)) {
            UstarExtractor.extract(in, name -> wanted.contains(name) ? dir.resolve(name) : null, MAX_MEMBER_BYTES);
        }
        List<String> missing = missingIn(dir);
        if (!missing.isEmpty()) {
            throw new DatasetFormatException(archive.toString(), "archive members", 0, false,
                    "the archive does not contain " + String.join(", ", missing));
        }
        // The batches hold everything the archive did; keeping both would double the disk use.
        Files.delete(archive);
    }

    @Override
    public TrainTest<ImageDataset> read(Path dir) throws IOException {
        Path root = root(dir);
        List<ImageDataset> parts = new ArrayList<>();
        for (String f : TRAIN) {
            parts.add(CifarReader.read(root.resolve(f)));
        }
        return new TrainTest<>(ImageDataset.concat(parts), CifarReader.read(root.resolve(TEST)));
    }
}
