package org.secateur.datasets;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A byte stream read by a format parser: it tracks the offset, reads big-endian fields, and turns every shortfall
 * into a {@link DatasetFormatException} naming the file, the field and the offset. Files starting with the gzip magic
 * bytes {@code 1f 8b} are decompressed transparently, whatever their name.
 */
final class FormatInput implements AutoCloseable {
    /** Chunk in which payloads of unknown real length grow, so a lying header cannot make us allocate its claim. */
    private static final int CHUNK = 1 << 20;

    private final InputStream in;
    private final String name;
    private final boolean compressed;
    private final long length;
    private long position;

    /**
     * @param length the exact number of content bytes when known (raw files), or -1 (compressed or streamed input)
     */
    FormatInput(InputStream in, String name, boolean compressed, long length) {
        this.in = in;
        this.name = name;
        this.compressed = compressed;
        this.length = length;
    }

    /** Opens a file, decompressing it when it starts with the gzip magic bytes. */
    static FormatInput open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            if (isGzip(raw)) {
                return new FormatInput(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16),
                        file.toString(), true, -1);
            }
            return new FormatInput(raw, file.toString(), false, Files.size(file));
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** Whether a stream (which must support mark) starts with the gzip magic bytes; the stream is not advanced. */
    static boolean isGzip(InputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b;
    }

    /** Whether a file starts with the gzip magic bytes. */
    static boolean isGzip(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 2)) {
            return isGzip(in);
        }
    }

    /** The exact content length, or -1 when unknown until the stream ends. */
    long length() {
        return length;
    }

    long position() {
        return position;
    }

    /** An exception about {@code field} at {@code offset} of this input. */
    DatasetFormatException error(String field, long offset, String detail) {
        return new DatasetFormatException(name, field, offset, compressed, detail);
    }

    /** One unsigned byte. */
    int readU8(String field) throws IOException {
        int b = read(field);
        if (b < 0) {
            throw error(field, position, "file ends here (truncated)");
        }
        position++;
        return b;
    }

    /** A big-endian 32-bit signed integer. */
    int readInt(String field) throws IOException {
        long start = position;
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int b = read(field);
            if (b < 0) {
                throw error(field, start, "file ends after " + i + " of its 4 bytes (truncated)");
            }
            v = (v << 8) | b;
        }
        position += 4;
        return v;
    }

    /**
     * Exactly {@code n} bytes of payload. When the length is unknown the buffer grows with the data actually read, so
     * a header that claims more than the stream holds fails at the real end rather than after a huge allocation.
     */
    byte[] readFully(int n, String field) throws IOException {
        long start = position;
        if (length >= 0 && length - start < n) {
            throw error(field, start, "needs " + n + " bytes but the file has only " + (length - start)
                    + " left (truncated; file length " + length + ")");
        }
        byte[] buf = new byte[length >= 0 ? n : Math.min(n, CHUNK)];
        int filled = 0;
        while (filled < n) {
            if (filled == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
            }
            int r = read(buf, filled, buf.length - filled, field);
            if (r < 0) {
                throw error(field, start + filled, "data ends after " + filled + " of " + n + " bytes (truncated)");
            }
            filled += r;
        }
        position += n;
        return buf;
    }

    /** Copies exactly {@code n} bytes to {@code out} (a discarding stream skips them). */
    void transferTo(OutputStream out, long n, String field) throws IOException {
        long start = position;
        byte[] buf = new byte[(int) Math.min(n, 1 << 16)];
        long done = 0;
        while (done < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - done), field);
            if (r < 0) {
                throw error(field, start + done, "data ends after " + done + " of " + n + " bytes (truncated)");
            }
            out.write(buf, 0, r);
            done += r;
            position += r;
        }
    }

    /** Checks that nothing follows the content read so far. */
    void expectEnd() throws IOException {
        if (length >= 0 ? position < length : read("end of data") >= 0) {
            String extra = length >= 0 ? (length - position) + " extra bytes" : "extra bytes";
            throw error("end of data", position, extra + " after the last field (trailing garbage)");
        }
    }

    private int read(String field) throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1, field) < 0 ? -1 : one[0] & 0xff;
    }

    /** Reads like {@link InputStream#read(byte[], int, int)}, mapping gzip damage to format errors. */
    private int read(byte[] b, int off, int len, String field) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (EOFException e) {
            return -1; // GZIPInputStream reports a cut-off member this way
        } catch (ZipException e) {
            throw error(field, position + off, "corrupt gzip data (" + e.getMessage() + ")");
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
