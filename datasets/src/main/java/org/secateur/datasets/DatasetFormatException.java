package org.secateur.datasets;

import java.io.IOException;

/**
 * A data file that does not follow its format: wrong magic number, unknown type code, impossible size, truncation,
 * trailing bytes or an out-of-range value. The message names the file, the field and the byte offset; for
 * gzip-compressed files the offset counts bytes of the decompressed content.
 */
public final class DatasetFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String field;
    private final long offset;

    /**
     * @param file the file (or stream) being read
     * @param field the format field that is wrong, e.g. {@code "dtype code"}
     * @param offset the byte offset of that field
     * @param compressed whether {@code offset} counts decompressed bytes of a gzip file
     * @param detail what is wrong and what was expected
     */
    public DatasetFormatException(String file, String field, long offset, boolean compressed, String detail) {
        super(file + ": " + field + " at byte " + offset + (compressed ? " of the decompressed content" : "") + ": "
                + detail);
        this.file = file;
        this.field = field;
        this.offset = offset;
    }

    /** The file (or stream) that was being read. */
    public String file() {
        return file;
    }

    /** The format field that is wrong. */
    public String field() {
        return field;
    }

    /** The byte offset of the field (decompressed bytes for gzip files). */
    public long offset() {
        return offset;
    }
}
