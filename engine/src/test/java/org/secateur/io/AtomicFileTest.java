package org.secateur.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secateur.tensor.Tensor;

/** A write replaces the file whole or not at all, and leaves no temporary file either way. */
class AtomicFileTest {
    @TempDir
    Path dir;

    private Path target;

    private void writeText(String s) throws IOException {
        AtomicFile.write(target, ch -> ch.write(ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8))));
    }

    private Stream<Path> filesInDir() throws IOException {
        return Files.list(dir);
    }

    @Test
    void aWriteReplacesTheFile() throws IOException {
        target = dir.resolve("ckpt.safetensors");
        writeText("old");
        writeText("new");
        assertThat(Files.readString(target)).isEqualTo("new");
        assertThat(filesInDir()).containsExactly(target);
    }

    @Test
    void aFailureMidwayLeavesTheOldFileIntact() throws IOException {
        target = dir.resolve("ckpt.safetensors");
        writeText("old content");
        assertThatThrownBy(() -> AtomicFile.write(target, ch -> {
            ch.write(ByteBuffer.wrap("half of the new".getBytes(StandardCharsets.UTF_8)));
            throw new IOException("disk full (injected)");
        })).isInstanceOf(IOException.class).hasMessage("disk full (injected)");
        assertThatThrownBy(() -> AtomicFile.write(target, ch -> {
            ch.write(ByteBuffer.wrap("half".getBytes(StandardCharsets.UTF_8)));
            throw new IllegalStateException("bug (injected)");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(Files.readString(target)).isEqualTo("old content");
        assertThat(filesInDir()).as("no temporary file left").containsExactly(target);
    }

    @Test
    void aFailedRenameLeavesTheTargetAndNoTemporaryFile() throws IOException {
        // The target is a non-empty directory, so the final rename fails after the data was written and forced.
        target = dir.resolve("occupied");
        Files.createDirectory(target);
        Files.writeString(target.resolve("keep.txt"), "kept");
        assertThatThrownBy(() -> Safetensors.write(target, Map.of("w", Tensor.vector(1f)), Map.of()))
                .isInstanceOf(FileSystemException.class);
        assertThat(Files.readString(target.resolve("keep.txt"))).isEqualTo("kept");
        assertThat(filesInDir()).containsExactly(target);
    }

    @Test
    void aFirstWriteCreatesTheFile() throws IOException {
        target = dir.resolve("fresh.safetensors");
        Safetensors.write(target, Map.of("w", Tensor.vector(1f, 2f)), Map.of("k", "v"));
        assertThat(Safetensors.read(target).tensor("w").floats()).containsExactly(1f, 2f);
        assertThat(filesInDir()).containsExactly(target);
    }
}
