package org.secateur.io;

import java.io.IOException;
import java.nio.file.Path;

/** A safetensors file that breaks the format: the message names the file, the problem and the byte offset. */
public final class SafetensorsFormatException extends IOException {
    private final transient Path file;
    private final long offset;
    private final String problem;

    SafetensorsFormatException(Path file, long offset, String problem) {
        super(file + ": " + problem + " (at byte " + offset + ")");
        this.file = file;
        this.offset = offset;
        this.problem = problem;
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** The byte offset in the file where the problem was found. */
    public long offset() {
        return offset;
    }

    /** The problem, without the file and offset. */
    public String problem() {
        return problem;
    }
}
