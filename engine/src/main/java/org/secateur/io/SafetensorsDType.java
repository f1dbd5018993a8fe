package org.secateur.io;

import java.util.Optional;

/**
 * The element types of a safetensors file that this package reads; all but {@link #F16} and {@link #BF16} are also
 * written. Declared in the relative order of the reference implementation's {@code Dtype} enum (increasing
 * alignment), which the writer uses to lay tensors out as the reference does.
 */
public enum SafetensorsDType {
    /** One byte per element, 0 or 1. */
    BOOL(1),
    /** Unsigned byte. */
    U8(1),
    /** IEEE half precision; read as float32. */
    F16(2),
    /** bfloat16; read as float32. */
    BF16(2),
    /** IEEE single precision. */
    F32(4),
    /** IEEE double precision. */
    F64(8),
    /** Signed 64-bit integer. */
    I64(8);

    /** Size of one element in bytes. */
    public final int bytes;

    SafetensorsDType(int bytes) {
        this.bytes = bytes;
    }

    /** The type spelled {@code name} in a header, if this package handles it. */
    static Optional<SafetensorsDType> named(String name) {
        for (SafetensorsDType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
