package org.secateur.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A strict reader of CIFAR-10 binary batches ({@code data_batch_1.bin} ... {@code test_batch.bin}): a sequence of
 * 3073-byte records, each one label byte followed by 1024 red, 1024 green and 1024 blue pixels of a 32x32 image in
 * row-major order. That is already {@code C x H x W}, so records are copied as they are.
 */
public final class CifarReader {
    /** Bytes of one image. */
    public static final int IMAGE_BYTES = 3 * 32 * 32;
    /** Bytes of one record: the label and 3 x 32 x 32 pixels. */
    public static final int RECORD_BYTES = 1 + IMAGE_BYTES;
    /** The ten classes of CIFAR-10, in label order. */
    public static final List<String> CLASS_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");
    /** Default cap on a batch file: a CIFAR-10 batch is 30.7 MB. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;

    private CifarReader() {}

    /**
     * Reads one batch file.
     *
     * @throws DatasetFormatException if the file is empty, its length is not a whole number of records, or a label is
     *     not a CIFAR-10 class
     */
    public static ImageDataset read(Path file) throws IOException {
        try (FormatInput in = FormatInput.open(file)) {
            return read(in);
        }
    }

    static ImageDataset read(FormatInput in) throws IOException {
        long length = in.length();
        if (length < 0) {
            throw in.error("file length", 0, "CIFAR batches are stored uncompressed; decompress this file first");
        }
        if (length == 0) {
            throw in.error("record 0", 0, "file is empty; expected records of " + RECORD_BYTES + " bytes");
        }
        if (length % RECORD_BYTES != 0) {
            long lastStart = length - length % RECORD_BYTES;
            throw in.error("record " + length / RECORD_BYTES, lastStart, "file length " + length
                    + " is not a multiple of the " + RECORD_BYTES + "-byte record (1 label + " + IMAGE_BYTES
                    + " pixels); the last record is cut off after " + length % RECORD_BYTES + " bytes");
        }
        if (length > DEFAULT_MAX_BYTES) {
            throw in.error("file length", 0, length + " bytes is over the limit of " + DEFAULT_MAX_BYTES);
        }
        int n = (int) (length / RECORD_BYTES);
        byte[] records = in.readFully((int) length, "records");
        in.expectEnd();
        byte[] pixels = new byte[n * IMAGE_BYTES];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int label = records[i * RECORD_BYTES] & 0xff;
            if (label >= CLASS_NAMES.size()) {
                throw in.error("record " + i + " label", (long) i * RECORD_BYTES, "value " + label
                        + " is not a CIFAR-10 class; expected 0 to " + (CLASS_NAMES.size() - 1));
            }
            labels[i] = label;
            System.arraycopy(records, i * RECORD_BYTES + 1, pixels, i * IMAGE_BYTES, IMAGE_BYTES);
        }
        return new ImageDataset(pixels, labels, 3, 32, 32, CLASS_NAMES.size(), CLASS_NAMES);
    }
}
