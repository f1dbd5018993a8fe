package org.secateur.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import org.secateur.tensor.DType;
import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;

/**
 * Moves an entry's elements between its array and the little-endian data buffer of a file, one chunk at a time
 * through a reused buffer, so that a tensor never needs a second full-size copy in memory.
 */
final class Codec {
    private Codec() {}

    /** Bytes per channel call: enough to amortise the call, small beside the tensors. */
    static final int CHUNK = 1 << 20;

    /** Moves elements {@code [from, from + count)} between an array and a buffer holding them from index 0. */
    @FunctionalInterface
    private interface Chunk {
        void move(ByteBuffer buffer, int from, int count) throws IOException;
    }

    /** A chunk buffer in the file's byte order. */
    static ByteBuffer buffer() {
        return ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes the elements of {@code entry}. */
    static void write(TensorEntry entry, WritableByteChannel channel, ByteBuffer buffer) throws IOException {
        Chunk encode = switch (entry) {
            case TensorEntry.Floats f when f.tensor().dtype() == DType.F32 ->
                    (b, from, count) -> b.asFloatBuffer().put(f.tensor().floats(), from, count);
            case TensorEntry.Floats f -> (b, from, count) -> b.asDoubleBuffer().put(f.tensor().doubles(), from, count);
            case TensorEntry.Longs l -> (b, from, count) -> b.asLongBuffer().put(l.values(), from, count);
            case TensorEntry.Bytes u -> (b, from, count) -> b.put(0, u.values(), from, count);
            case TensorEntry.Bools m -> (b, from, count) -> {
                for (int i = 0; i < count; i++) {
                    b.put(i, (byte) (m.values()[from + i] ? 1 : 0));
                }
            };
        };
        int size = entry.dtype().bytes;
        int numel = Shape.numel(entry.shape());
        for (int from = 0; from < numel; from += CHUNK / size) {
            int count = Math.min(CHUNK / size, numel - from);
            buffer.clear();
            encode.move(buffer, from, count);
            buffer.limit(count * size);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    /** Reads the tensor {@code t}, whose data starts at file offset {@code position}. */
    static TensorEntry read(TensorInfo t, FileChannel channel, long position, ByteBuffer buffer, Path file)
            throws IOException {
        int n = t.numel();
        int[] shape = t.shape();
        switch (t.dtype()) {
            case F32 -> {
                float[] a = new float[n];
                read(t, channel, position, buffer, file, (b, from, count) -> b.asFloatBuffer().get(a, from, count));
                return TensorEntry.of(Tensor.of(a, shape));
            }
            case F64 -> {
                double[] a = new double[n];
                read(t, channel, position, buffer, file, (b, from, count) -> b.asDoubleBuffer().get(a, from, count));
                return TensorEntry.of(Tensor.of(a, shape));
            }
            case F16 -> {
                float[] a = new float[n];
                read(t, channel, position, buffer, file, (b, from, count) -> {
                    for (int i = 0; i < count; i++) {
                        a[from + i] = Float.float16ToFloat(b.getShort(2 * i));
                    }
                });
                return TensorEntry.of(Tensor.of(a, shape));
            }
            case BF16 -> {
                float[] a = new float[n];
                read(t, channel, position, buffer, file, (b, from, count) -> {
                    for (int i = 0; i < count; i++) {
                        // bfloat16 is the top half of a float32.
                        a[from + i] = Float.intBitsToFloat(b.getShort(2 * i) << 16);
                    }
                });
                return TensorEntry.of(Tensor.of(a, shape));
            }
            case I64 -> {
                long[] a = new long[n];
                read(t, channel, position, buffer, file, (b, from, count) -> b.asLongBuffer().get(a, from, count));
                return new TensorEntry.Longs(shape, a);
            }
            case U8 -> {
                byte[] a = new byte[n];
                read(t, channel, position, buffer, file, (b, from, count) -> b.get(0, a, from, count));
                return new TensorEntry.Bytes(shape, a);
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                read(t, channel, position, buffer, file, (b, from, count) -> {
                    for (int i = 0; i < count; i++) {
                        byte v = b.get(i);
                        if (v != 0 && v != 1) {
                            throw new SafetensorsFormatException(file, position + from + i, t.describe()
                                    + " holds byte " + (v & 0xFF) + " at element " + (from + i) + ", expected 0 or 1");
                        }
                        a[from + i] = v == 1;
                    }
                });
                return new TensorEntry.Bools(shape, a);
            }
        }
        throw new AssertionError(t.dtype());
    }

    private static void read(TensorInfo t, FileChannel channel, long position, ByteBuffer buffer, Path file,
                             Chunk decode) throws IOException {
        int size = t.dtype().bytes;
        int n = t.numel();
        for (int from = 0; from < n; from += CHUNK / size) {
            int count = Math.min(CHUNK / size, n - from);
            buffer.clear().limit(count * size);
            readFully(channel, buffer, position + (long) from * size, file, t.describe());
            buffer.flip();
            decode.move(buffer, from, count);
        }
    }

    /** Fills {@code buffer} from file offset {@code position}; the file must not end first. */
    static void readFully(FileChannel channel, ByteBuffer buffer, long position, Path file, String what)
            throws IOException {
        int start = buffer.position();
        while (buffer.hasRemaining()) {
            long at = position + buffer.position() - start;
            if (channel.read(buffer, at) < 0) {
                throw new SafetensorsFormatException(file, at, "the file ended while reading " + what
                        + " (did it shrink after its header was checked?)");
            }
        }
    }
}
