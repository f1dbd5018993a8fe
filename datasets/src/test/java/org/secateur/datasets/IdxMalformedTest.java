package org.secateur.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.management.ThreadMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way an IDX file can be malformed is rejected with its own message naming file, field and offset. */
class IdxMalformedTest {
    @TempDir
    Path dir;

    private Path file(String name, byte[] content) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content);
        return f;
    }

    /** Reading {@code content} fails with a format error for {@code field} at {@code offset}, whose message has all. */
    private DatasetFormatException rejects(String name, byte[] content, String field, long offset, String detail)
            throws IOException {
        Path f = file(name, content);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> IdxReader.read(f));
        assertThat(e.file()).isEqualTo(f.toString());
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.offset()).isEqualTo(offset);
        assertThat(e.getMessage()).startsWith(f + ": " + field + " at byte " + offset).contains(detail);
        return e;
    }

    @Test
    void badMagic() throws IOException {
        rejects("magic", TestData.idx(1, 0, 8, new int[] {2}, new byte[2]), "magic number", 0,
                "starts with bytes 01 00; an IDX file starts with 00 00");
    }

    @Test
    void unknownDtypeCode() throws IOException {
        rejects("dtype", TestData.idx(0, 0, 0x07, new int[] {2}, new byte[2]), "dtype code", 2,
                "0x07 is not an IDX type");
    }

    @Test
    void zeroDimensionCount() throws IOException {
        rejects("rank0", TestData.idx(0, 0, 8, new int[0], new byte[0]), "dimension count", 3,
                "0 dimensions; expected at least 1");
    }

    @Test
    void zeroDimension() throws IOException {
        rejects("zero", TestData.idx(0, 0, 8, new int[] {3, 0}, new byte[0]), "size of dimension 1", 8,
                "0 (unsigned 0); dimension sizes must be positive");
    }

    @Test
    void negativeDimension() throws IOException {
        rejects("negative", TestData.idx(0, 0, 8, new int[] {-5}, new byte[0]), "size of dimension 0", 4,
                "-5 (unsigned 4294967291)");
    }

    @Test
    void sizesBeyondTheLimit() throws IOException {
        rejects("huge", TestData.idx(0, 0, 0x0E, new int[] {100_000, 100_000}, new byte[0]), "size of dimension 1",
                8, "the sizes so far already need 80000000000 bytes of DOUBLE, over the limit");
    }

    @Test
    void truncatedHeaderInMagic() throws IOException {
        rejects("cut1", new byte[] {0}, "magic number", 1, "file ends here (truncated)");
    }

    @Test
    void truncatedHeaderInsideADimension() throws IOException {
        byte[] full = TestData.idx(0, 0, 8, new int[] {2, 3}, new byte[6]);
        rejects("cut10", Arrays.copyOf(full, 10), "size of dimension 1", 8, "file ends after 2 of its 4 bytes");
    }

    @Test
    void truncatedDataRaw() throws IOException {
        byte[] full = TestData.idx(0, 0, 8, new int[] {2, 3}, new byte[6]);
        rejects("cutdata", Arrays.copyOf(full, full.length - 1), "data", 17,
                "file has 17 bytes but the header [2, 3] of UNSIGNED_BYTE needs exactly 18 (12 header + 6 data); "
                        + "truncated");
    }

    @Test
    void truncatedDataGzip() throws IOException {
        byte[] full = TestData.idx(0, 0, 0x0C, new int[] {2, 3}, new byte[24]);
        DatasetFormatException e = rejects("cutdata.gz", TestData.gzip(Arrays.copyOf(full, full.length - 3)), "data",
                12 + 21, "data ends after 21 of 24 bytes (truncated)");
        assertThat(e.getMessage()).contains("of the decompressed content");
    }

    @Test
    void gzipStreamCutShort() throws IOException {
        byte[] full = TestData.gzip(TestData.idx(0, 0, 8, new int[] {4000}, new byte[4000]));
        Path f = file("cutgz.gz", Arrays.copyOf(full, full.length / 2));
        assertThatThrownBy(() -> IdxReader.read(f)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("(truncated)");
    }

    @Test
    void corruptGzip() throws IOException {
        byte[] gz = TestData.gzip(TestData.idx(0, 0, 8, new int[] {64}, new byte[64]));
        for (int i = 10; i < gz.length - 8; i++) {
            gz[i] = (byte) 0xff; // wreck the deflate stream, keep the gzip header
        }
        Path f = file("corrupt.gz", gz);
        assertThatThrownBy(() -> IdxReader.read(f)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("corrupt gzip data");
    }

    @Test
    void trailingBytesRaw() throws IOException {
        rejects("trail", TestData.idx(0, 0, 8, new int[] {2, 3}, new byte[7]), "end of data", 18,
                "file has 19 bytes but the header [2, 3] of UNSIGNED_BYTE needs exactly 18 (12 header + 6 data); "
                        + "trailing garbage");
    }

    @Test
    void trailingBytesGzip() throws IOException {
        rejects("trail.gz", TestData.gzip(TestData.idx(0, 0, 8, new int[] {2, 3}, new byte[9])), "end of data", 18,
                "extra bytes after the last field (trailing garbage)");
    }

    @Test
    void aLyingGzipHeaderDoesNotMakeTheReaderAllocateItsClaim() throws IOException {
        // Claims 1e9 bytes (under the cap) but holds 100: the reader must fail at the real end, not allocate 1 GB.
        Path f = file("liar.gz", TestData.gzip(TestData.idx(0, 0, 8, new int[] {1000, 1000, 1000}, new byte[100])));
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        assertThatThrownBy(() -> IdxReader.read(f)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("data ends after 100 of 1000000000 bytes");
        assertThat(mx.getCurrentThreadAllocatedBytes() - before).isLessThan(64L << 20);
    }

    @Test
    void aClaimOverTheCallersCapIsRejectedBeforeReading() throws IOException {
        Path f = file("big", TestData.idx(0, 0, 8, new int[] {10, 10}, new byte[100]));
        assertThatThrownBy(() -> IdxReader.read(f, 99)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("size of dimension 1 at byte 8").hasMessageContaining("over the limit of 99");
    }
}
