package org.secateur.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 16 x 16 transpose of float blocks in 512-bit registers by four rounds of two-source lane permutations, for
 * packing a transposed GEMM operand ({@link PanamaGemm}) and for moving a convolution's samples into and out of the
 * vector lanes ({@link LaneConv}). Callers use it only when the species has 16 lanes.
 */
final class Transpose16 {
    private Transpose16() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final VectorShuffle<Float> LO0 = shuffle(8, false), HI0 = shuffle(8, true);
    private static final VectorShuffle<Float> LO1 = shuffle(4, false), HI1 = shuffle(4, true);
    private static final VectorShuffle<Float> LO2 = shuffle(2, false), HI2 = shuffle(2, true);
    private static final VectorShuffle<Float> LO3 = shuffle(1, false), HI3 = shuffle(1, true);

    /**
     * For rows {@code r} and {@code r + b} (a block swap of size {@code b}): lane {@code c} of the new low row
     * is {@code (c & b) == 0 ? low[c] : high[c - b]}, of the new high row {@code (c & b) == 0 ? low[c + b] :
     * high[c]}. Indices of 16 and above select from the second vector.
     */
    private static VectorShuffle<Float> shuffle(int b, boolean high) {
        int[] idx = new int[16];
        for (int c = 0; c < 16; c++) {
            idx[c] = (c & b) == 0 ? (high ? c + b : c) : (high ? 16 + c : 16 + c - b);
        }
        return VectorShuffle.fromArray(S, idx, 0);
    }

    /**
     * As {@link #transpose(float[], int, int, float[], int, int)}, adding {@code add} to every element if
     * {@code addIt}.
     */
    static void transpose(float[] src, int s, int lds, float[] dst, int d, int ldd, float add, boolean addIt) {
        FloatVector r0 = FloatVector.fromArray(S, src, s);
        FloatVector r1 = FloatVector.fromArray(S, src, s + lds);
        FloatVector r2 = FloatVector.fromArray(S, src, s + 2 * lds);
        FloatVector r3 = FloatVector.fromArray(S, src, s + 3 * lds);
        FloatVector r4 = FloatVector.fromArray(S, src, s + 4 * lds);
        FloatVector r5 = FloatVector.fromArray(S, src, s + 5 * lds);
        FloatVector r6 = FloatVector.fromArray(S, src, s + 6 * lds);
        FloatVector r7 = FloatVector.fromArray(S, src, s + 7 * lds);
        FloatVector r8 = FloatVector.fromArray(S, src, s + 8 * lds);
        FloatVector r9 = FloatVector.fromArray(S, src, s + 9 * lds);
        FloatVector r10 = FloatVector.fromArray(S, src, s + 10 * lds);
        FloatVector r11 = FloatVector.fromArray(S, src, s + 11 * lds);
        FloatVector r12 = FloatVector.fromArray(S, src, s + 12 * lds);
        FloatVector r13 = FloatVector.fromArray(S, src, s + 13 * lds);
        FloatVector r14 = FloatVector.fromArray(S, src, s + 14 * lds);
        FloatVector r15 = FloatVector.fromArray(S, src, s + 15 * lds);
        // blocks of 8
        FloatVector t0 = r0.rearrange(LO0, r8), t8 = r0.rearrange(HI0, r8);
        FloatVector t1 = r1.rearrange(LO0, r9), t9 = r1.rearrange(HI0, r9);
        FloatVector t2 = r2.rearrange(LO0, r10), t10 = r2.rearrange(HI0, r10);
        FloatVector t3 = r3.rearrange(LO0, r11), t11 = r3.rearrange(HI0, r11);
        FloatVector t4 = r4.rearrange(LO0, r12), t12 = r4.rearrange(HI0, r12);
        FloatVector t5 = r5.rearrange(LO0, r13), t13 = r5.rearrange(HI0, r13);
        FloatVector t6 = r6.rearrange(LO0, r14), t14 = r6.rearrange(HI0, r14);
        FloatVector t7 = r7.rearrange(LO0, r15), t15 = r7.rearrange(HI0, r15);
        // blocks of 4
        r0 = t0.rearrange(LO1, t4);
        r4 = t0.rearrange(HI1, t4);
        r1 = t1.rearrange(LO1, t5);
        r5 = t1.rearrange(HI1, t5);
        r2 = t2.rearrange(LO1, t6);
        r6 = t2.rearrange(HI1, t6);
        r3 = t3.rearrange(LO1, t7);
        r7 = t3.rearrange(HI1, t7);
        r8 = t8.rearrange(LO1, t12);
        r12 = t8.rearrange(HI1, t12);
        r9 = t9.rearrange(LO1, t13);
        r13 = t9.rearrange(HI1, t13);
        r10 = t10.rearrange(LO1, t14);
        r14 = t10.rearrange(HI1, t14);
        r11 = t11.rearrange(LO1, t15);
        r15 = t11.rearrange(HI1, t15);
        // blocks of 2
        t0 = r0.rearrange(LO2, r2);
        t2 = r0.rearrange(HI2, r2);
        t1 = r1.rearrange(LO2, r3);
        t3 = r1.rearrange(HI2, r3);
        t4 = r4.rearrange(LO2, r6);
        t6 = r4.rearrange(HI2, r6);
        t5 = r5.rearrange(LO2, r7);
        t7 = r5.rearrange(HI2, r7);
        t8 = r8.rearrange(LO2, r10);
        t10 = r8.rearrange(HI2, r10);
        t9 = r9.rearrange(LO2, r11);
        t11 = r9.rearrange(HI2, r11);
        t12 = r12.rearrange(LO2, r14);
        t14 = r12.rearrange(HI2, r14);
        t13 = r13.rearrange(LO2, r15);
        t15 = r13.rearrange(HI2, r15);
        // single elements
        FloatVector o0 = t0.rearrange(LO3, t1);
        FloatVector o1 = t0.rearrange(HI3, t1);
        FloatVector o2 = t2.rearrange(LO3, t3);
        FloatVector o3 = t2.rearrange(HI3, t3);
        FloatVector o4 = t4.rearrange(LO3, t5);
        FloatVector o5 = t4.rearrange(HI3, t5);
        FloatVector o6 = t6.rearrange(LO3, t7);
        FloatVector o7 = t6.rearrange(HI3, t7);
        FloatVector o8 = t8.rearrange(LO3, t9);
        FloatVector o9 = t8.rearrange(HI3, t9);
        FloatVector o10 = t10.rearrange(LO3, t11);
        FloatVector o11 = t10.rearrange(HI3, t11);
        FloatVector o12 = t12.rearrange(LO3, t13);
        FloatVector o13 = t12.rearrange(HI3, t13);
        FloatVector o14 = t14.rearrange(LO3, t15);
        FloatVector o15 = t14.rearrange(HI3, t15);
        if (addIt) {
            o0 = o0.add(add);
            o1 = o1.add(add);
            o2 = o2.add(add);
            o3 = o3.add(add);
            o4 = o4.add(add);
            o5 = o5.add(add);
            o6 = o6.add(add);
            o7 = o7.add(add);
            o8 = o8.add(add);
            o9 = o9.add(add);
            o10 = o10.add(add);
            o11 = o11.add(add);
            o12 = o12.add(add);
            o13 = o13.add(add);
            o14 = o14.add(add);
            o15 = o15.add(add);
        }
        o0.intoArray(dst, d);
        o1.intoArray(dst, d + ldd);
        o2.intoArray(dst, d + 2 * ldd);
        o3.intoArray(dst, d + 3 * ldd);
        o4.intoArray(dst, d + 4 * ldd);
        o5.intoArray(dst, d + 5 * ldd);
        o6.intoArray(dst, d + 6 * ldd);
        o7.intoArray(dst, d + 7 * ldd);
        o8.intoArray(dst, d + 8 * ldd);
        o9.intoArray(dst, d + 9 * ldd);
        o10.intoArray(dst, d + 10 * ldd);
        o11.intoArray(dst, d + 11 * ldd);
        o12.intoArray(dst, d + 12 * ldd);
        o13.intoArray(dst, d + 13 * ldd);
        o14.intoArray(dst, d + 14 * ldd);
        o15.intoArray(dst, d + 15 * ldd);
    }

    /** {@code dst[d + j*ldd + i] = src[s + i*lds + j]} for {@code i, j < 16}. */
    static void transpose(float[] src, int s, int lds, float[] dst, int d, int ldd) {
        transpose(src, s, lds, dst, d, ldd, 0f, false);
    }
}
