package org.secateur.datasets;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A minimal, bounds-checked reader of tar archives (POSIX ustar and the GNU variant), enough to unpack the CIFAR-10
 * archive: 512-byte headers with octal sizes and a checksum, data padded to 512 bytes, an all-zero block at the end.
 * Only regular files are extracted; links, devices and pax records are skipped, GNU long names are honoured. Each
 * extracted file is written to a temporary file beside its destination and moved into place atomically.
 */
final class UstarExtractor {
    private static final int BLOCK = 512;

    private UstarExtractor() {}

    /**
     * Extracts the regular files for which {@code destination} returns a path (entries mapped to {@code null} are
     * skipped).
     *
     * @param maxEntryBytes the largest entry accepted
     * @return the files written, in archive order
     */
    static List<Path> extract(FormatInput in, Function<String, Path> destination, long maxEntryBytes)
            throws IOException {
        List<Path> written = new ArrayList<>();
        String longName = null;
        while (true) {
            long at = in.position();
            byte[] h = in.readFully(BLOCK, "tar header");
            if (allZero(h)) {
                return written; // end-of-archive marker; what follows is padding
            }
            checkChecksum(in, h, at);
            long size = octal(in, h, 124, 12, "entry size", at);
            if (size > maxEntryBytes) {
                throw in.error("entry size", at + 124, size + " bytes is over the limit of " + maxEntryBytes);
            }
            char type = (char) h[156];
            String name = longName != null ? longName : name(h);
            longName = null;
            long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
            if (type == 'L') { // GNU: this entry's data is the next entry's long name
                if (size > 4096) {
                    throw in.error("GNU long name", at + 124, size + " bytes is not a plausible file name length");
                }
                byte[] data = in.readFully((int) padded, "GNU long name");
                longName = cString(data, 0, (int) size);
                continue;
            }
            Path target = (type == '0' || type == 0) ? destination.apply(checkName(in, name, at)) : null;
            if (target == null) {
                in.transferTo(OutputStream.nullOutputStream(), padded, "data of " + name);
                continue;
            }
            written.add(extractEntry(in, name, size, padded, target));
        }
    }

    private static Path extractEntry(FormatInput in, String name, long size, long padded, Path target)
            throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                in.transferTo(out, size, "data of " + name);
            }
            in.transferTo(OutputStream.nullOutputStream(), padded - size, "padding of " + name);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The entry name: POSIX ustar splits long names into a prefix (bytes 345-499) and a name (bytes 0-99). */
    private static String name(byte[] h) {
        String name = cString(h, 0, 100);
        boolean posix = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r'
                && h[262] == 0;
        String prefix = posix ? cString(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** Rejects names that could escape the extraction directory. */
    private static String checkName(FormatInput in, String name, long at) throws DatasetFormatException {
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\")
                || List.of(name.split("/")).contains("..")) {
            throw in.error("entry name", at, "'" + name + "' is empty, absolute or contains '..'");
        }
        return name;
    }

    private static void checkChecksum(FormatInput in, byte[] h, long at) throws DatasetFormatException {
        long stored = octal(in, h, 148, 8, "header checksum", at);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
        }
        if (sum != stored) {
            throw in.error("header checksum", at + 148, "stored " + stored + " but the header sums to " + sum
                    + " (corrupt archive)");
        }
    }

    /** An octal number field, padded with spaces or NULs. */
    private static long octal(FormatInput in, byte[] h, int off, int len, String field, long at)
            throws DatasetFormatException {
        if ((h[off] & 0x80) != 0) {
            throw in.error(field, at + off, "base-256 encoding (entries over 8 GiB) is not supported");
        }
        long v = 0;
        int i = off;
        int end = off + len;
        while (i < end && h[i] == ' ') {
            i++;
        }
        int digits = 0;
        for (; i < end && h[i] >= '0' && h[i] <= '7'; i++, digits++) {
            v = v * 8 + (h[i] - '0');
        }
        for (; i < end; i++) {
            if (h[i] != ' ' && h[i] != 0) {
                throw in.error(field, at + i, "byte " + (h[i] & 0xff) + " in an octal number");
            }
        }
        if (digits == 0) {
            throw in.error(field, at + off, "no octal digits");
        }
        return v;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
