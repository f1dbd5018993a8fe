package org.secateur.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The minimal tar reader extracts what it is asked for and rejects damaged or hostile archives. */
class UstarExtractorTest {
    @TempDir
    Path dir;

    private List<Path> extract(byte[] archive, Function<String, Path> destination) throws IOException {
        Path f = dir.resolve("a.tar.gz");
        Files.write(f, TestData.gzip(archive));
        try (FormatInput in = FormatInput.open(f)) {
            return UstarExtractor.extract(in, destination, 1 << 20);
        }
    }

    @Test
    void extractsTheWantedRegularFilesAndSkipsTheRest() throws IOException {
        String longName = "deep/" + "x".repeat(120) + ".bin";
        byte[] archive = new TestData.Tar()
                .entry("top/", '5', new byte[0])
                .file("top/keep.bin", "kept".getBytes(StandardCharsets.UTF_8))
                .file("top/skip.bin", new byte[700])
                .entry("top/link", '2', new byte[0])
                .file(longName, new byte[] {1, 2, 3})
                .bytes();
        Path out = dir.resolve("out");
        List<Path> written = extract(archive, name -> name.endsWith("skip.bin") ? null
                : name.equals(longName) ? out.resolve("long.bin") : out.resolve(name));

        assertThat(written).containsExactly(out.resolve("top/keep.bin"), out.resolve("long.bin"));
        assertThat(Files.readString(out.resolve("top/keep.bin"))).isEqualTo("kept");
        assertThat(Files.readAllBytes(out.resolve("long.bin"))).containsExactly(1, 2, 3);
        try (Stream<Path> s = Files.walk(out)) {
            assertThat(s.filter(Files::isRegularFile)).hasSize(2); // no temporary files left, nothing else written
        }
    }

    @Test
    void damagedHeaderChecksum() {
        byte[] archive = new TestData.Tar().file("a.bin", new byte[10]).bytes();
        archive[0] = 'b';
        assertThatThrownBy(() -> extract(archive, n -> dir.resolve(n))).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("header checksum at byte 148 of the decompressed content")
                .hasMessageContaining("corrupt archive");
    }

    @Test
    void truncatedEntry() {
        byte[] archive = new TestData.Tar().file("a.bin", new byte[2000]).bytes();
        assertThatThrownBy(() -> extract(Arrays.copyOf(archive, 1200), n -> dir.resolve("a.bin")))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("data of a.bin at byte 1200")
                .hasMessageContaining("(truncated)");
        assertThat(dir.resolve("a.bin")).doesNotExist();
    }

    @Test
    void missingEndMarker() {
        byte[] archive = new TestData.Tar().file("a.bin", new byte[10]).bytes();
        assertThatThrownBy(() -> extract(Arrays.copyOf(archive, 1024), n -> null))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("tar header at byte 1024");
    }

    @Test
    void namesThatEscapeTheDirectoryAreRejected() {
        byte[] archive = new TestData.Tar().file("ok/../../evil.bin", new byte[1]).bytes();
        assertThatThrownBy(() -> extract(archive, n -> dir.resolve(n))).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("entry name at byte 0")
                .hasMessageContaining("'ok/../../evil.bin' is empty, absolute or contains '..'");
    }

    @Test
    void entriesOverTheLimitAreRejectedBeforeReading() throws IOException {
        byte[] archive = new TestData.Tar().file("a.bin", new byte[3000]).bytes();
        Path f = dir.resolve("b.tar");
        Files.write(f, archive);
        try (FormatInput in = FormatInput.open(f)) {
            assertThatThrownBy(() -> UstarExtractor.extract(in, n -> dir.resolve(n), 2048))
                    .isInstanceOf(DatasetFormatException.class)
                    .hasMessageContaining("entry size at byte 124: 3000 bytes is over the limit of 2048");
        }
    }
}
