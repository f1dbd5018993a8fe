package org.secateur.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Each way a file can break the format is rejected with its own message, naming the byte offset. */
class SafetensorsMalformedTest {
    @TempDir
    Path dir;

    /** A broken file and what the reader must say about it. */
    private record Case(String name, byte[] bytes, long offset, String problem) {}

    /** A file whose header is {@code json}, followed by {@code data}. */
    private static byte[] file(String json, int... data) {
        return FileBytes.header(json).bytes(data).build();
    }

    /** The file offset of the first occurrence of {@code marker} in the header {@code json}. */
    private static long at(String json, String marker) {
        int i = json.indexOf(marker);
        assertThat(i).as("marker %s in %s", marker, json).isNotNegative();
        return 8 + json.substring(0, i).getBytes(StandardCharsets.UTF_8).length;
    }

    /** The file offset of data byte {@code i}. */
    private static long data(String json, long i) {
        return 8 + json.getBytes(StandardCharsets.UTF_8).length + i;
    }

    /** {@code {"w": {...}}} with the given description of w. */
    private static String w(String description) {
        return "{\"w\":{" + description + "}}";
    }

    private static Case tensorCase(String name, String description, String marker, String problem, int... data) {
        String json = w(description);
        return new Case(name, file(json, data), at(json, marker), problem);
    }

    private static Stream<Case> cases() {
        String overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        String hole = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        String one = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        String twice = "{\"w\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]},"
                + "\"w\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}}";
        String bools = "{\"m\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}}";
        String metaTwice = "{\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}}";
        byte[] notUtf8 = {'{', '"', 'a', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}; // C3 needs a continuation byte
        String notObject = "{\"w\":3}";
        return Stream.of(
                new Case("shorter than the length field", new byte[] {1, 2, 3}, 0,
                        "the file has 3 bytes, fewer than the 8-byte header length"),
                new Case("header length over the limit", new FileBytes().u64(100_000_001).bytes('{', '}').build(), 0,
                        "header length 100000001 exceeds the limit of 100000000 bytes"),
                new Case("header length with the top bit set", new FileBytes().u64(-1).bytes('{', '}').build(), 0,
                        "header length 18446744073709551615 exceeds the limit of 100000000 bytes"),
                new Case("header length past the end", new FileBytes().u64(1000).bytes('{', '}').build(), 0,
                        "header length 1000 runs past the end of the file, which has 10 bytes"),
                new Case("invalid UTF-8", new FileBytes().u64(notUtf8.length).raw(notUtf8).build(), 11,
                        "header is not valid UTF-8"),
                new Case("header not an object", file("[1,2]"), 8, "header must be a JSON object, found an array"),
                new Case("empty header", file(""), 8, "header must be a JSON object, found the end of the header"),
                new Case("content after the object", file("{} {}"), 11, "found an object after the header object"),
                new Case("tensor not an object", file(notObject), at(notObject, "3"),
                        "tensor \"w\" must be an object with dtype, shape and data_offsets, found the number 3"),
                tensorCase("missing dtype", "\"shape\":[1],\"data_offsets\":[0,4]", "\"w\"",
                        "tensor \"w\" lacks \"dtype\""),
                tensorCase("missing shape", "\"dtype\":\"F32\",\"data_offsets\":[0,4]", "\"w\"",
                        "tensor \"w\" lacks \"shape\""),
                tensorCase("missing data_offsets", "\"dtype\":\"F32\",\"shape\":[1]", "\"w\"",
                        "tensor \"w\" lacks \"data_offsets\""),
                tensorCase("unknown dtype", "\"dtype\":\"Q8\",\"shape\":[1],\"data_offsets\":[0,1]", "\"Q8\"",
                        "tensor \"w\" has unknown or unsupported dtype \"Q8\", expected one of "
                                + "[BOOL, U8, F16, BF16, F32, F64, I64]", 0),
                tensorCase("dtype not a string", "\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]", "4,",
                        "tensor \"w\" dtype must be a string, found the number 4"),
                tensorCase("shape not an array", "\"dtype\":\"F32\",\"shape\":3,\"data_offsets\":[0,4]", "3,",
                        "tensor \"w\" shape must be an array of integers, found the number 3"),
                tensorCase("negative dimension", "\"dtype\":\"F32\",\"shape\":[2,-1],\"data_offsets\":[0,0]", "-1",
                        "tensor \"w\" shape holds -1, expected an integer in [0, 2^63)"),
                tensorCase("fractional dimension", "\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]", "1.5",
                        "tensor \"w\" shape must hold integers, found the number 1.5"),
                tensorCase("dimension beyond a Java array",
                        "\"dtype\":\"U8\",\"shape\":[3000000000],\"data_offsets\":[0,0]", "\"w\"",
                        "tensor \"w\" U8 [3000000000]: dimension 3000000000 exceeds the Java array limit 2147483647"),
                tensorCase("element count overflow",
                        "\"dtype\":\"F64\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,0]",
                        "\"w\"",
                        "tensor \"w\" F64 [2147483647, 2147483647, 2147483647]: the byte count overflows 64 bits"),
                tensorCase("offset beyond a long",
                        "\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]", "99999",
                        "tensor \"w\" data_offsets holds 99999999999999999999, expected an integer in [0, 2^63)"),
                tensorCase("one offset", "\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0]", "]}",
                        "tensor \"w\" data_offsets must hold 2 integers, found 1"),
                tensorCase("end before begin", "\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]", "\"w\"",
                        "tensor \"w\" F32 [1]: data_offsets [8, 4] end before they begin", 0, 0, 0, 0, 0, 0, 0, 0),
                tensorCase("byte length not shape times dtype",
                        "\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]", "\"w\"",
                        "tensor \"w\" F32 [2, 3]: data_offsets [0, 20] span 20 bytes, but the shape needs 24",
                        new int[20]),
                tensorCase("truncated data", "\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]", "\"w\"",
                        "tensor \"w\" F32 [4]: data_offsets [0, 16] run past the end of the data, which holds 8 bytes: "
                                + "the file is truncated", new int[8]),
                tensorCase("duplicate field",
                        "\"dtype\":\"F32\",\"dtype\":\"F64\",\"shape\":[0],\"data_offsets\":[0,0]", "\"dtype\":\"F64\"",
                        "tensor \"w\" has a duplicate \"dtype\""),
                new Case("overlapping tensors", file(overlap, new int[12]), data(overlap, 4),
                        "tensor \"b\" F32 [2] at data_offsets [4, 12] overlaps tensor \"a\" F32 [2] at [0, 8]"),
                new Case("a hole between tensors", file(hole, new int[12]), data(hole, 4),
                        "data bytes [4, 8) belong to no tensor (a hole before tensor \"b\" F32 [1])"),
                new Case("bytes after the last tensor", file(one, new int[6]), data(one, 4),
                        "data bytes [4, 6) at the end of the file belong to no tensor"),
                new Case("duplicate tensor name", file(twice), at(twice, "\"w\":{\"dtype\":\"U8\",\"shape\":[0],"
                        + "\"data_offsets\":[0,0]}}"),
                        "duplicate tensor name \"w\""),
                new Case("metadata not an object", file("{\"__metadata__\":[1]}"), 24,
                        "__metadata__ must be an object of strings, found an array"),
                new Case("metadata value not a string", file("{\"__metadata__\":{\"k\":1}}"), 29,
                        "__metadata__ value of \"k\" must be a string, found the number 1"),
                new Case("duplicate metadata key", file(metaTwice), at(metaTwice, "\"k\":\"b\""),
                        "duplicate __metadata__ key \"k\""),
                new Case("a BOOL byte other than 0 or 1", file(bools, 1, 2), data(bools, 1),
                        "tensor \"m\" BOOL [2] holds byte 2 at element 1, expected 0 or 1"));
    }

    @TestFactory
    Stream<DynamicTest> malformedFilesAreRejectedWithTheirOwnMessage() {
        return cases().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Path p = write(c.bytes());
            assertThatThrownBy(() -> Safetensors.read(p))
                    .isInstanceOfSatisfying(SafetensorsFormatException.class, e -> {
                        assertThat(e.problem()).isEqualTo(c.problem());
                        assertThat(e.offset()).isEqualTo(c.offset());
                        assertThat(e.file()).isEqualTo(p);
                    })
                    .hasMessage(p + ": " + c.problem() + " (at byte " + c.offset() + ")");
        }));
    }

    @TestFactory
    Stream<DynamicTest> parserErrorsAndLimitsNameTheProblem() {
        return Stream.of(
                new String[] {"invalid JSON", "{\"a\": }", "header is not valid JSON: Unexpected character ('}'"},
                new String[] {"nesting beyond the limit", w("\"x\":[[[[[[[[[]]]]]]]]]"),
                    "header is not valid JSON: Document nesting depth (9) exceeds the maximum allowed"},
                new String[] {"a number too long", w("\"x\":" + "1".repeat(30)),
                    "header is not valid JSON: Number value length (30) exceeds the maximum allowed"})
                .map(c -> DynamicTest.dynamicTest(c[0], () -> {
                    Path p = write(file(c[1]));
                    assertThatThrownBy(() -> Safetensors.read(p)).isInstanceOf(SafetensorsFormatException.class)
                            .hasMessageStartingWith(p + ": " + c[2]);
                }));
    }

    private Path write(byte[] bytes) {
        try {
            Path p = Files.createTempFile(dir, "bad", ".safetensors");
            Files.write(p, bytes);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
