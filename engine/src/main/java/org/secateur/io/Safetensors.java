package org.secateur.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.TreeMap;
import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;

/**
 * Reads and writes checkpoints in the safetensors format of Hugging Face (https://github.com/huggingface/safetensors):
 * an 8-byte little-endian header length {@code N}, {@code N} bytes of UTF-8 JSON describing each tensor's dtype,
 * shape and byte range (plus an optional {@code __metadata__} string map), then the tensors' little-endian
 * row-major bytes, which must tile the rest of the file exactly.
 *
 * <p><b>Writing</b> is deterministic and lays the file out as the reference implementation does: tensors ordered by
 * dtype (larger alignment first, so each tensor starts aligned to its element size) then by the UTF-8 bytes of their
 * names, compact JSON with {@code __metadata__} first, keys sorted, padded with spaces to a multiple of 8. The file is
 * replaced atomically ({@link AtomicFile}).
 *
 * <p><b>Reading</b> checks the whole header before reading any data, and every size a file claims against the file's
 * actual size before allocating anything; any breach of the format raises a {@link SafetensorsFormatException} that
 * names the file, the problem and the byte offset. Entries come back in the order of their data in the file (for
 * files this class wrote: dtype, then name); F16 and BF16 tensors are widened to float32.
 */
public final class Safetensors {
    private Safetensors() {}

    /** The reference writer's order: dtype in descending alignment, then the name's UTF-8 bytes. */
    private static final Comparator<Map.Entry<String, TensorEntry>> LAYOUT_ORDER = Comparator
            .comparing((Map.Entry<String, TensorEntry> e) -> e.getValue().dtype(), Comparator.reverseOrder())
            .thenComparing(Map.Entry::getKey, Safetensors::compareUtf8);

    /** Orders strings by their UTF-8 bytes, as Rust orders {@code String}s. */
    private static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a checkpoint. */
    public static Checkpoint read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new SafetensorsFormatException(file, 0, "the file has " + size
                        + " bytes, fewer than the 8-byte header length");
            }
            ByteBuffer lengthField = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            Codec.readFully(channel, lengthField, 0, file, "the header length");
            long n = lengthField.getLong(0);
            if (Long.compareUnsigned(n, Header.MAX_LENGTH) > 0) {
                throw new SafetensorsFormatException(file, 0, "header length " + Long.toUnsignedString(n)
                        + " exceeds the limit of " + Header.MAX_LENGTH + " bytes");
            }
            if (n > size - 8) {
                throw new SafetensorsFormatException(file, 0, "header length " + n
                        + " runs past the end of the file, which has " + size + " bytes");
            }
            ByteBuffer json = ByteBuffer.allocate((int) n);
            Codec.readFully(channel, json, 8, file, "the header");
            Header header = Header.parse(json.array(), file, size - 8 - n);
            ByteBuffer buffer = Codec.buffer();
            SequencedMap<String, TensorEntry> entries = new LinkedHashMap<>();
            for (TensorInfo t : header.tensors()) {
                entries.put(t.name(), Codec.read(t, channel, 8 + n + t.begin(), buffer, file));
            }
            return new Checkpoint(entries, header.metadata());
        }
    }

    /** Writes a checkpoint, replacing {@code file} atomically. */
    public static void write(Path file, Checkpoint checkpoint) throws IOException {
        List<Map.Entry<String, TensorEntry>> order = new ArrayList<>(checkpoint.entries().entrySet());
        order.sort(LAYOUT_ORDER);
        List<TensorInfo> layout = new ArrayList<>();
        long offset = 0;
        for (var e : order) {
            TensorEntry entry = e.getValue();
            long bytes = (long) Shape.numel(entry.shape()) * entry.dtype().bytes;
            layout.add(new TensorInfo(e.getKey(), entry.dtype(), entry.shape(), offset, offset + bytes, -1));
            offset += bytes;
        }
        Map<String, String> metadata = new TreeMap<>(Safetensors::compareUtf8);
        metadata.putAll(checkpoint.metadata());
        byte[] json = new Header(layout, metadata).encode();
        AtomicFile.write(file, channel -> {
            ByteBuffer buffer = Codec.buffer();
            buffer.putLong(0, json.length).limit(8);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            ByteBuffer header = ByteBuffer.wrap(json);
            while (header.hasRemaining()) {
                channel.write(header);
            }
            for (var e : order) {
                Codec.write(e.getValue(), channel, buffer);
            }
        });
    }

    /** Writes float tensors and metadata, replacing {@code file} atomically. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        write(file, Checkpoint.of(tensors, metadata));
    }
}
