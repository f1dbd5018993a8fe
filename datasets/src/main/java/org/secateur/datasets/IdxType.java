package org.secateur.datasets;

/** An element type of the IDX format (LeCun's MNIST files): its type code in the header and its size in bytes. */
public enum IdxType {
    UNSIGNED_BYTE(0x08, 1),
    SIGNED_BYTE(0x09, 1),
    SHORT(0x0B, 2),
    INT(0x0C, 4),
    FLOAT(0x0D, 4),
    DOUBLE(0x0E, 8);

    /** The type code in byte 2 of the header. */
    public final int code;
    /** Bytes per element, stored big-endian. */
    public final int bytes;

    IdxType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /** The type with this header code, or {@code null} if the code is not an IDX type. */
    static IdxType fromCode(int code) {
        for (IdxType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /** Whether values of this type are integers. */
    public boolean integral() {
        return this != FLOAT && this != DOUBLE;
    }

    /** The smallest value this type holds. */
    double min() {
        return switch (this) {
            case UNSIGNED_BYTE -> 0;
            case SIGNED_BYTE -> Byte.MIN_VALUE;
            case SHORT -> Short.MIN_VALUE;
            case INT -> Integer.MIN_VALUE;
            case FLOAT -> -Float.MAX_VALUE;
            case DOUBLE -> -Double.MAX_VALUE;
        };
    }

    /** The largest value this type holds. */
    double max() {
        return switch (this) {
            case UNSIGNED_BYTE -> 255;
            case SIGNED_BYTE -> Byte.MAX_VALUE;
            case SHORT -> Short.MAX_VALUE;
            case INT -> Integer.MAX_VALUE;
            case FLOAT -> Float.MAX_VALUE;
            case DOUBLE -> Double.MAX_VALUE;
        };
    }
}
