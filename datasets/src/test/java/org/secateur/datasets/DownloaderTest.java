package org.secateur.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secateur.tensor.Rng;

/** Downloads are verified by SHA-256 and land atomically; a bad one leaves nothing behind. */
class DownloaderTest {
    @TempDir
    Path dir;

    private LocalHttpServer server;
    private final Downloader downloader = new Downloader(Duration.ofSeconds(10));
    private final byte[] body = new byte[1_000_000];

    @BeforeEach
    void start() throws IOException {
        Rng rng = new Rng(3);
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) rng.nextInt(256);
        }
        server = new LocalHttpServer().serve("/data/file.bin", body);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private List<Path> filesIn(Path d) throws IOException {
        if (!Files.exists(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.toList();
        }
    }

    record Progress(long done, long total, boolean targetExists) {}

    @Test
    void aGoodDownloadLandsAtomicallyWithProgress() throws IOException {
        Path target = dir.resolve("cache").resolve("file.bin");
        List<Progress> events = new ArrayList<>();
        Path got = downloader.download(server.url("/data/file.bin"), dir.resolve("cache"),
                new RemoteFile("file.bin", TestData.sha256(body)),
                (file, done, total) -> events.add(new Progress(done, total, Files.exists(target))));

        assertThat(got).isEqualTo(target);
        assertThat(Files.readAllBytes(target)).isEqualTo(body);
        assertThat(filesIn(dir.resolve("cache"))).containsExactly(target); // no temporary file left
        assertThat(events.getFirst()).isEqualTo(new Progress(0, body.length, false));
        assertThat(events.getLast()).isEqualTo(new Progress(body.length, body.length, false));
        assertThat(events).hasSizeGreaterThanOrEqualTo(4)
                .allSatisfy(p -> assertThat(p.targetExists()).as("target visible before verification").isFalse());
        assertThat(events.stream().mapToLong(Progress::done)).isSorted();
    }

    @Test
    void aChecksumMismatchIsRejectedAndLeavesNothing() throws IOException {
        String wrong = "0".repeat(64);
        assertThatThrownBy(() -> downloader.download(server.url("/data/file.bin"), dir,
                new RemoteFile("file.bin", wrong), DownloadListener.NONE))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("SHA-256 of " + server.url("/data/file.bin") + " (1000000 bytes) is "
                        + TestData.sha256(body) + " but expected " + wrong);
        assertThat(filesIn(dir)).isEmpty();
    }

    @Test
    void anHttpErrorLeavesNothing() throws IOException {
        assertThatThrownBy(() -> downloader.download(server.url("/data/missing.bin"), dir,
                new RemoteFile("missing.bin", TestData.sha256(body)), DownloadListener.NONE))
                .isInstanceOf(IOException.class)
                .hasMessage("GET " + server.url("/data/missing.bin") + " answered HTTP 404");
        assertThat(filesIn(dir)).isEmpty();
    }

    @Test
    void aServerThatStallsMidBodyIsGivenUpOnWithAClearErrorAndLeavesNothing() {
        server.stallAfter("/data/slow.bin", java.util.Arrays.copyOf(body, 100_000));
        Downloader impatient = new Downloader(Duration.ofMillis(500));
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            assertThatThrownBy(() -> impatient.download(server.url("/data/slow.bin"), dir,
                    new RemoteFile("slow.bin", TestData.sha256(body)), DownloadListener.NONE))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("sent nothing for 500 ms after 100000 bytes");
            assertThat(Thread.currentThread().isInterrupted()).as("the watchdog's interrupt left behind").isFalse();
        });
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void aGoodDownloadReplacesNothingUntilVerified() throws IOException {
        Files.writeString(dir.resolve("file.bin"), "old");
        assertThatThrownBy(() -> downloader.download(server.url("/data/file.bin"), dir,
                new RemoteFile("file.bin", "f".repeat(64)), DownloadListener.NONE))
                .isInstanceOf(ChecksumMismatchException.class);
        assertThat(Files.readString(dir.resolve("file.bin"))).isEqualTo("old");
        assertThat(filesIn(dir)).hasSize(1);
    }
}
