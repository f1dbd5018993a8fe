package org.secateur.tensor;

/** Element type of a {@link Tensor}: float32 for training speed, float64 for verification and second-order maths. */
public enum DType {
    F32(4),
    F64(8);

    /** Size of one element in bytes. */
    public final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }
}
