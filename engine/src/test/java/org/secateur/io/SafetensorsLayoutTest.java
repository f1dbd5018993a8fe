package org.secateur.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secateur.tensor.Tensor;

/** Interoperability: files assembled byte by byte from the format's specification, read and written. */
class SafetensorsLayoutTest {
    @TempDir
    Path dir;

    private Path file(byte[] bytes) throws IOException {
        Path p = dir.resolve("hand.safetensors");
        Files.write(p, bytes);
        return p;
    }

    /** The layout the reference writes for a weight, its mask and a step counter. */
    private static byte[] expectedLayout() {
        // Tensors by dtype (I64, then F32, then BOOL: larger alignment first), metadata first, compact JSON.
        String json = "{\"__metadata__\":{\"format\":\"pt\",\"pruner\":\"obs\"},"
                + "\"step\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
                + "\"fc.weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
                + "\"fc.weight_mask\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[16,18]}}";
        assertThat(json.length() % 8).as("needs padding in this example").isNotZero();
        String padded = json + " ".repeat((8 - json.length() % 8) % 8);
        return FileBytes.header(padded)
                .bytes(7, 0, 0, 0, 0, 0, 0, 0)      // step = 7, I64 little-endian
                .f32(1.0f, -2.5f)                   // fc.weight
                .bytes(1, 0)                        // fc.weight_mask
                .build();
    }

    private static Checkpoint weightMaskAndStep() {
        SequencedMap<String, TensorEntry> entries = new LinkedHashMap<>();
        entries.put("fc.weight", TensorEntry.of(Tensor.vector(1.0f, -2.5f)));
        entries.put("fc.weight_mask", TensorEntry.Bools.fromMask(Tensor.vector(1.0f, 0.0f)));
        entries.put("step", TensorEntry.Longs.scalar(7));
        return new Checkpoint(entries, Map.of("pruner", "obs", "format", "pt"));
    }

    @Test
    void theWriterProducesTheSpecifiedBytes() throws IOException {
        Path p = dir.resolve("written.safetensors");
        Safetensors.write(p, weightMaskAndStep());
        assertThat(Files.readAllBytes(p)).containsExactly(expectedLayout());
    }

    @Test
    void theReaderParsesTheSpecifiedBytes() throws IOException {
        Checkpoint c = Safetensors.read(file(expectedLayout()));
        assertThat(c.entries().keySet()).containsExactly("step", "fc.weight", "fc.weight_mask");
        weightMaskAndStep().entries().forEach((name, e) ->
                assertThat(c.entry(name).contentEquals(e)).as(name).isTrue());
        assertThat(c.metadata()).containsExactly(Map.entry("format", "pt"), Map.entry("pruner", "obs"));
    }

    @Test
    void anEmptyCheckpointIsABracePairPaddedToEightBytes() throws IOException {
        Path p = dir.resolve("empty.safetensors");
        Safetensors.write(p, new Checkpoint(new LinkedHashMap<>(), Map.of()));
        assertThat(Files.readAllBytes(p)).containsExactly(FileBytes.header("{}      ").build());
        assertThat(Safetensors.read(p).entries()).isEmpty();
    }

    @Test
    void aHeaderOfAMultipleOfEightBytesIsNotPadded() throws IOException {
        String json = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";
        assertThat(json.length()).isEqualTo(64);
        Path p = dir.resolve("attn.safetensors");
        Safetensors.write(p, Map.of("attn.0", Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 1, 2, 3)), Map.of());
        assertThat(Files.readAllBytes(p)).containsExactly(FileBytes.header(json).f32(0, 1, 2, 3, 4, 5).build());
    }

    @Test
    void theReaderAcceptsAnyKeyOrderWhitespaceUnknownFieldsAndUnalignedData() throws IOException {
        // Data order (mask, bias, w) differs from the header's order; the F32 data starts at an odd offset.
        String json = "{ \"w\" : {\"data_offsets\": [7, 23], \"shape\": [2, 1], \"dtype\": \"F64\",\n"
                + "           \"extra\": {\"a\": [1]}},\n"
                + "  \"bias\": {\"shape\": [1], \"dtype\": \"F32\", \"data_offsets\": [3, 7]},\n"
                + "  \"mask\": {\"dtype\": \"U8\", \"shape\": [3], \"data_offsets\": [0, 3]},\n"
                + "  \"__metadata__\": {\"note\": \"caf\u00e9 \\\"quoted\\\" \\u00e9\"} }   ";
        byte[] bytes = FileBytes.header(json).bytes(0, 128, 255).f32(0.5f).f64(-1.0, 1e300).build();
        Checkpoint c = Safetensors.read(file(bytes));
        assertThat(c.entries().keySet()).containsExactly("mask", "bias", "w");
        assertThat(c.entry("mask").toTensor(org.secateur.tensor.DType.F32).floats()).containsExactly(0, 128, 255);
        assertThat(c.tensor("bias").floats()).containsExactly(0.5f);
        assertThat(c.tensor("w").doubles()).containsExactly(-1.0, 1e300);
        assertThat(c.tensor("w").shape()).containsExactly(2, 1);
        assertThat(c.metadata()).containsExactly(Map.entry("note", "caf\u00e9 \"quoted\" \u00e9"));
    }

    @Test
    void halfPrecisionIsReadAsFloat32() throws IOException {
        String json = "{\"h\":{\"dtype\":\"F16\",\"shape\":[6],\"data_offsets\":[0,12]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[12,20]}}";
        byte[] bytes = FileBytes.header(json)
                .u16(0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00, 0x8000)   // 1, -2, 65504, 2^-24, +inf, -0
                .u16(0x3F80, 0xC020, 0x4049, 0xFF80)                   // 1, -2.5, 3.140625, -inf
                .build();
        Checkpoint c = Safetensors.read(file(bytes));
        assertThat(c.tensor("h").floats())
                .containsExactly(1f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY, -0f);
        assertThat(c.tensor("b").floats()).containsExactly(1f, -2.5f, 3.140625f, Float.NEGATIVE_INFINITY);
        assertThat(c.tensor("b").shape()).containsExactly(2, 2);
        assertThat(c.entry("h").dtype()).as("widened").isEqualTo(SafetensorsDType.F32);
    }
}
