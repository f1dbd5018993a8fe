package org.secateur.io;

import java.util.Arrays;

/**
 * One tensor's description in a safetensors header.
 *
 * @param name   the tensor's name
 * @param dtype  its element type
 * @param shape  its dimensions
 * @param begin  where its bytes start, relative to the data buffer
 * @param end    where they end (exclusive)
 * @param at     the file offset of its key in the header, for error messages
 */
record TensorInfo(String name, SafetensorsDType dtype, int[] shape, long begin, long end, long at) {

    /** The number of elements, which the header checks fits in a Java array. */
    int numel() {
        return (int) ((end - begin) / dtype.bytes);
    }

    /** {@code "name" F32 [2, 3]}, for messages. */
    String describe() {
        return "tensor " + Header.quote(name) + " " + dtype + " " + Arrays.toString(shape);
    }
}
