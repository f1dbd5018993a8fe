package org.secateur.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Replaces a file atomically: the content goes to a temporary file in the same directory, which is forced to disk
 * and then renamed over the target. Readers see the old file or the new one, never a partial one; a failure leaves
 * the old file as it was and removes the temporary file.
 */
public final class AtomicFile {
    private AtomicFile() {}

    private static final AtomicLong COUNTER = new AtomicLong();

    /** Writes the content of a file to a channel. */
    @FunctionalInterface
    public interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    /** Replaces {@code target} with what {@code content} writes. */
    public static void write(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            FileChannel channel = null;
            // A name of our own rather than Files.createTempFile, whose owner-only permissions the renamed file
            // would keep; CREATE_NEW makes the name ours.
            while (channel == null) {
                tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                        + COUNTER.incrementAndGet() + ".tmp");
                try {
                    channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                } catch (FileAlreadyExistsException e) {
                    tmp = null;
                }
            }
            try (FileChannel c = channel) {
                content.writeTo(c);
                c.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable t) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    t.addSuppressed(e);
                }
            }
            throw t;
        }
        syncDirectory(dir);
    }

    /** Forces the rename itself to disk where the platform allows opening a directory (POSIX does, Windows not). */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // The new file is in place either way; only its survival of a power cut is less certain.
        }
    }
}
