package org.secateur.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A strict reader of IDX files, the format of MNIST, Fashion-MNIST and KMNIST, raw or gzip-compressed (detected by
 * the magic bytes {@code 1f 8b}, not by the file name).
 *
 * <p>Layout: two zero bytes, a type code ({@link IdxType}), the number of dimensions {@code r}, then {@code r}
 * big-endian 32-bit sizes, then the elements big-endian in row-major order, and nothing after them. Every departure
 * from that raises a {@link DatasetFormatException} naming the file, the field and the byte offset. A header's
 * claimed size is checked against the file length (raw files) or read incrementally (gzip), and capped, before any
 * large allocation.
 */
public final class IdxReader {
    /** Default cap on the payload size: comfortably above any IDX dataset in use (EMNIST ByClass is 550 MB). */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;

    private IdxReader() {}

    /** Reads an IDX file of at most {@link #DEFAULT_MAX_BYTES} bytes of payload. */
    public static IdxArray read(Path file) throws IOException {
        return read(file, DEFAULT_MAX_BYTES);
    }

    /**
     * Reads an IDX file whose payload is at most {@code maxBytes}.
     *
     * @throws DatasetFormatException if the file is not a well-formed IDX file or its payload exceeds {@code maxBytes}
     */
    public static IdxArray read(Path file, long maxBytes) throws IOException {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        try (FormatInput in = FormatInput.open(file)) {
            return read(in, maxBytes);
        }
    }

    static IdxArray read(FormatInput in, long maxBytes) throws IOException {
        int zero0 = in.readU8("magic number");
        int zero1 = in.readU8("magic number");
        if (zero0 != 0 || zero1 != 0) {
            throw in.error("magic number", 0, String.format("starts with bytes %02x %02x; an IDX file starts with 00 00"
                    + " (is this really an IDX file?)", zero0, zero1));
        }
        int code = in.readU8("dtype code");
        IdxType type = IdxType.fromCode(code);
        if (type == null) {
            throw in.error("dtype code", 2, String.format("0x%02X is not an IDX type; expected one of 0x08 (unsigned"
                    + " byte), 0x09 (signed byte), 0x0B (short), 0x0C (int), 0x0D (float), 0x0E (double)", code));
        }
        int rank = in.readU8("dimension count");
        if (rank == 0) {
            throw in.error("dimension count", 3, "0 dimensions; expected at least 1");
        }
        int[] shape = new int[rank];
        long bytes = type.bytes;
        for (int i = 0; i < rank; i++) {
            long offset = in.position();
            String field = "size of dimension " + i;
            shape[i] = in.readInt(field);
            if (shape[i] <= 0) {
                throw in.error(field, offset, shape[i] + " (unsigned " + Integer.toUnsignedString(shape[i])
                        + "); dimension sizes must be positive and below 2^31");
            }
            bytes *= shape[i];
            if (bytes > maxBytes || bytes > Integer.MAX_VALUE - 16) {
                throw in.error(field, offset, "the sizes so far already need " + bytes + " bytes of " + type
                        + ", over the limit of " + Math.min(maxBytes, Integer.MAX_VALUE - 16) + " bytes");
            }
        }
        long headerEnd = in.position();
        if (in.length() >= 0 && in.length() != headerEnd + bytes) {
            boolean shortFile = in.length() < headerEnd + bytes;
            throw in.error(shortFile ? "data" : "end of data", shortFile ? in.length() : headerEnd + bytes,
                    "file has " + in.length() + " bytes but the header " + Arrays.toString(shape) + " of "
                            + type + " needs exactly " + (headerEnd + bytes) + " (" + headerEnd + " header + " + bytes
                            + " data)" + (shortFile ? "; truncated" : "; trailing garbage"));
        }
        byte[] data = in.readFully((int) bytes, "data");
        in.expectEnd();
        return new IdxArray(type, shape, data);
    }
}
