package org.secateur.datasets;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** A writer of IDX files (the MNIST format), raw or gzip-compressed; {@link IdxReader} reads them back exactly. */
public final class IdxWriter {
    private IdxWriter() {}

    /** Writes {@code array} to {@code file}, gzip-compressed when {@code gzip} is set, replacing any existing file. */
    public static void write(Path file, IdxArray array, boolean gzip) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream out = gzip ? new GZIPOutputStream(raw, 1 << 16) : new BufferedOutputStream(raw, 1 << 16)) {
            write(out, array);
        }
    }

    /** Writes {@code array} in IDX layout to a stream (not closed). */
    public static void write(OutputStream out, IdxArray array) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeShort(0);
        data.writeByte(array.type().code);
        data.writeByte(array.shape().length);
        for (int d : array.shape()) {
            data.writeInt(d);
        }
        data.write(array.data());
        data.flush();
    }
}
