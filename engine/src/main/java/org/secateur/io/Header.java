package org.secateur.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON header of a safetensors file: the tensors' descriptions in the order of their data, and the metadata.
 * {@link #parse} checks everything the format requires before any tensor is read; {@link #encode} writes what the
 * reference implementation writes.
 *
 * @param tensors  the descriptions, ordered by data offset
 * @param metadata the {@code __metadata__} map
 */
record Header(List<TensorInfo> tensors, Map<String, String> metadata) {

    /** The reference implementation's limit on the header length, checked before the header is allocated. */
    static final long MAX_LENGTH = 100_000_000;

    /**
     * Limits for the JSON parser: a header nests three deep (some room is left for unknown fields, which are
     * skipped), no number needs more than the 20 digits of a u64, and nothing can be longer than the header.
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxDocumentLength(MAX_LENGTH)
                    .maxNestingDepth(8)
                    .maxNumberLength(24)
                    .maxNameLength((int) MAX_LENGTH)
                    .maxStringLength((int) MAX_LENGTH)
                    .build())
            .build();

    /** {@code s} in quotes, cut short if long: names and values in a hostile header may be megabytes. */
    static String quote(String s) {
        return "\"" + (s.length() <= 80 ? s : s.substring(0, 80) + "...") + "\"";
    }

    // ---------------------------------------------------------------- reading

    /**
     * Parses and validates a header.
     *
     * @param json       the header bytes (they start at file offset 8)
     * @param file       the file, for messages
     * @param dataLength the number of bytes after the header, which the tensors must cover exactly
     */
    static Header parse(byte[] json, Path file, long dataLength) throws SafetensorsFormatException {
        requireUtf8(json, file);
        try (JsonParser p = JSON.createParser(json)) {
            return new Reader(p, file, 8L + json.length, dataLength).header();
        } catch (SafetensorsFormatException e) {
            throw e;
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            long at = where == null || where.getByteOffset() < 0 ? 8 : 8 + where.getByteOffset();
            throw new SafetensorsFormatException(file, at, "header is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("reading a byte array cannot fail", e);
        }
    }

    private static void requireUtf8(byte[] json, Path file) throws SafetensorsFormatException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(json);
        CharBuffer out = CharBuffer.allocate(4096);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                throw new SafetensorsFormatException(file, 8 + in.position(), "header is not valid UTF-8");
            }
            if (result.isUnderflow()) {
                return;
            }
            out.clear();
        }
    }

    /** A pass over the parser's tokens, which knows where it is for messages. */
    private static final class Reader {
        private final JsonParser parser;
        private final Path file;
        private final long dataStart;
        private final long dataLength;

        Reader(JsonParser parser, Path file, long dataStart, long dataLength) {
            this.parser = parser;
            this.file = file;
            this.dataStart = dataStart;
            this.dataLength = dataLength;
        }

        /** The file offset of the current token. */
        private long at() {
            return 8 + parser.currentTokenLocation().getByteOffset();
        }

        private SafetensorsFormatException error(long at, String problem) {
            return new SafetensorsFormatException(file, at, problem);
        }

        /** The current token, as a message says what it found. */
        private String found() throws IOException {
            JsonToken t = parser.currentToken();
            if (t == null) {
                return "the end of the header";
            }
            return switch (t) {
                case START_OBJECT -> "an object";
                case START_ARRAY -> "an array";
                case VALUE_STRING -> "the string " + quote(parser.getText());
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + parser.getText();
                default -> parser.getText();
            };
        }

        Header header() throws IOException {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw error(8, "header must be a JSON object, found " + found());
            }
            List<TensorInfo> tensors = new ArrayList<>();
            Set<String> names = new HashSet<>();
            Map<String, String> metadata = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                long at = at();
                if (!names.add(name)) {
                    throw error(at, name.equals(Checkpoint.METADATA_KEY) ? "duplicate " + name
                            : "duplicate tensor name " + quote(name));
                }
                parser.nextToken();
                if (name.equals(Checkpoint.METADATA_KEY)) {
                    metadata = metadata();
                } else {
                    tensors.add(tensor(name, at));
                }
            }
            if (parser.nextToken() != null) {
                throw error(at(), "found " + found() + " after the header object");
            }
            tensors.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
            requireCoverage(tensors);
            return new Header(tensors, metadata == null ? Map.of() : metadata);
        }

        private Map<String, String> metadata() throws IOException {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                throw error(at(), Checkpoint.METADATA_KEY + " must be an object of strings, found " + found());
            }
            Map<String, String> m = new LinkedHashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                long at = at();
                if (parser.nextToken() != JsonToken.VALUE_STRING) {
                    throw error(at(), Checkpoint.METADATA_KEY + " value of " + quote(key) + " must be a string, found "
                            + found());
                }
                if (m.put(key, parser.getText()) != null) {
                    throw error(at, "duplicate " + Checkpoint.METADATA_KEY + " key " + quote(key));
                }
            }
            return m;
        }

        private TensorInfo tensor(String name, long at) throws IOException {
            String what = "tensor " + quote(name);
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                throw error(at(), what + " must be an object with dtype, shape and data_offsets, found " + found());
            }
            SafetensorsDType dtype = null;
            long[] shape = null;
            long[] offsets = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                long fieldAt = at();
                parser.nextToken();
                switch (field) {
                    case "dtype" -> {
                        requireFirst(dtype, what, field, fieldAt);
                        dtype = dtype(what);
                    }
                    case "shape" -> {
                        requireFirst(shape, what, field, fieldAt);
                        shape = integers(what + " shape", -1);
                    }
                    case "data_offsets" -> {
                        requireFirst(offsets, what, field, fieldAt);
                        offsets = integers(what + " data_offsets", 2);
                    }
                    // Unknown fields are ignored, as the reference implementation ignores them.
                    default -> parser.skipChildren();
                }
            }
            requirePresent(dtype, what, "dtype", at);
            requirePresent(shape, what, "shape", at);
            requirePresent(offsets, what, "data_offsets", at);
            return info(name, dtype, shape, offsets[0], offsets[1], at);
        }

        private void requireFirst(Object seen, String what, String field, long at) throws SafetensorsFormatException {
            if (seen != null) {
                throw error(at, what + " has a duplicate \"" + field + "\"");
            }
        }

        private void requirePresent(Object value, String what, String field, long at)
                throws SafetensorsFormatException {
            if (value == null) {
                throw error(at, what + " lacks \"" + field + "\"");
            }
        }

        private SafetensorsDType dtype(String what) throws IOException {
            if (parser.currentToken() != JsonToken.VALUE_STRING) {
                throw error(at(), what + " dtype must be a string, found " + found());
            }
            String name = parser.getText();
            return SafetensorsDType.named(name).orElseThrow(() -> error(at(), what + " has unknown or unsupported "
                    + "dtype " + quote(name) + ", expected one of " + Arrays.toString(SafetensorsDType.values())));
        }

        /** An array of non-negative integers that fit in a long, of the given length unless it is negative. */
        private long[] integers(String what, int length) throws IOException {
            if (parser.currentToken() != JsonToken.START_ARRAY) {
                throw error(at(), what + " must be an array of integers, found " + found());
            }
            List<Long> values = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                    throw error(at(), what + " must hold integers, found " + found());
                }
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER || parser.getLongValue() < 0) {
                    throw error(at(), what + " holds " + parser.getText() + ", expected an integer in [0, 2^63)");
                }
                values.add(parser.getLongValue());
            }
            if (length >= 0 && values.size() != length) {
                throw error(at(), what + " must hold " + length + " integers, found " + values.size());
            }
            return values.stream().mapToLong(Long::longValue).toArray();
        }

        /** Checks one tensor's shape and byte range on their own; {@link #requireCoverage} checks them together. */
        private TensorInfo info(String name, SafetensorsDType dtype, long[] dims, long begin, long end, long at)
                throws SafetensorsFormatException {
            String what = "tensor " + quote(name) + " " + dtype + " " + Arrays.toString(dims);
            int[] shape = new int[dims.length];
            long numel = 1;
            for (int i = 0; i < dims.length; i++) {
                if (dims[i] > Integer.MAX_VALUE) {
                    throw error(at, what + ": dimension " + dims[i] + " exceeds the Java array limit "
                            + Integer.MAX_VALUE);
                }
                shape[i] = (int) dims[i];
            }
            long bytes;
            try {
                for (long d : dims) {
                    numel = d == 0 ? 0 : Math.multiplyExact(numel, d);
                }
                bytes = Math.multiplyExact(numel, dtype.bytes);
            } catch (ArithmeticException e) {
                throw error(at, what + ": the byte count overflows 64 bits");
            }
            String range = "data_offsets [" + begin + ", " + end + "]";
            if (end < begin) {
                throw error(at, what + ": " + range + " end before they begin");
            }
            if (end - begin != bytes) {
                throw error(at, what + ": " + range + " span " + (end - begin) + " bytes, but the shape needs "
                        + bytes);
            }
            if (end > dataLength) {
                throw error(at, what + ": " + range + " run past the end of the data, which holds " + dataLength
                        + " bytes: the file is truncated");
            }
            if (numel > Integer.MAX_VALUE - 16) {
                throw error(at, what + " has " + numel + " elements, more than a Java array holds");
            }
            return new TensorInfo(name, dtype, shape, begin, end, at);
        }

        /** Checks that the tensors, ordered by offset, tile the data buffer without holes or overlaps. */
        private void requireCoverage(List<TensorInfo> tensors) throws SafetensorsFormatException {
            long covered = 0;
            TensorInfo previous = null;
            for (TensorInfo t : tensors) {
                if (t.begin() > covered) {
                    throw error(dataStart + covered, "data bytes [" + covered + ", " + t.begin()
                            + ") belong to no tensor (a hole before " + t.describe() + ")");
                }
                if (t.begin() < covered) {
                    throw error(dataStart + t.begin(), t.describe() + " at data_offsets [" + t.begin() + ", "
                            + t.end() + "] overlaps " + previous.describe() + " at [" + previous.begin() + ", "
                            + previous.end() + "]");
                }
                covered = t.end();
                previous = t;
            }
            if (covered != dataLength) {
                throw error(dataStart + covered, "data bytes [" + covered + ", " + dataLength
                        + ") at the end of the file belong to no tensor");
            }
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * The header bytes: {@code __metadata__} first when there is any, then the tensors in {@link #tensors} order,
     * compact JSON as the reference writes it, padded with spaces to a multiple of 8 bytes so that the data buffer
     * starts aligned.
     */
    byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            if (!metadata.isEmpty()) {
                g.writeFieldName(Checkpoint.METADATA_KEY);
                g.writeStartObject();
                for (var e : metadata.entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            for (TensorInfo t : tensors) {
                g.writeFieldName(t.name());
                g.writeStartObject();
                g.writeStringField("dtype", t.dtype().name());
                g.writeFieldName("shape");
                g.writeArray(t.shape(), 0, t.shape().length);
                g.writeFieldName("data_offsets");
                g.writeArray(new long[] {t.begin(), t.end()}, 0, 2);
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        for (int pad = (8 - out.size() % 8) % 8; pad > 0; pad--) {
            out.write(' ');
        }
        return out.toByteArray();
    }
}
