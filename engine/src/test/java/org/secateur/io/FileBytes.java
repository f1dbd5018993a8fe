package org.secateur.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds safetensors files byte by byte, as the format specifies them, independently of the code under test. */
final class FileBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A file: the 8-byte little-endian length of {@code header}, the header as UTF-8, then the data. */
    static FileBytes header(String header) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return new FileBytes().u64(json.length).raw(json);
    }

    FileBytes u64(long v) {
        return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    FileBytes f32(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return raw(b.array());
    }

    FileBytes f64(double... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return raw(b.array());
    }

    FileBytes u16(int... values) {
        ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putShort((short) v);
        }
        return raw(b.array());
    }

    FileBytes bytes(int... values) {
        for (int v : values) {
            out.write(v);
        }
        return this;
    }

    FileBytes raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    byte[] build() {
        return out.toByteArray();
    }
}
