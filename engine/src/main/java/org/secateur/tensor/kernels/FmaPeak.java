package org.secateur.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's FP32 FMA peak as Java reaches it, the yardstick of every "fraction of peak" that {@code secateur
 * bench} and the JMH suite report: sixteen independent chains of vector FMAs and nothing else in the loop (two FMA
 * pipes of latency four need at least eight chains to stay busy).
 */
public final class FmaPeak {
    private FmaPeak() {}

    /** The widest vectors of the machine, whatever width the kernels are forced to: the peak is the machine's. */
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /** Floating-point operations of one {@link #chains} call: 16 chains, a multiply and an add per lane. */
    public static double flops(int iterations) {
        return 2.0 * 16 * F.length() * iterations;
    }

    /** Runs {@code iterations} rounds of the sixteen chains from {@code seed}; the result defeats dead-code removal. */
    public static float chains(float seed, int iterations) {
        var f = F;
        FloatVector a0 = FloatVector.broadcast(f, seed), a1 = a0.add(1), a2 = a0.add(2), a3 = a0.add(3);
        FloatVector a4 = a0.add(4), a5 = a0.add(5), a6 = a0.add(6), a7 = a0.add(7);
        FloatVector a8 = a0.add(8), a9 = a0.add(9), a10 = a0.add(10), a11 = a0.add(11);
        FloatVector a12 = a0.add(12), a13 = a0.add(13), a14 = a0.add(14), a15 = a0.add(15);
        FloatVector m = FloatVector.broadcast(f, 0.999999f);
        FloatVector c = FloatVector.broadcast(f, 1e-7f);
        for (int i = 0; i < iterations; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
            a12 = a12.fma(m, c);
            a13 = a13.fma(m, c);
            a14 = a14.fma(m, c);
            a15 = a15.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .add(a12).add(a13).add(a14).add(a15).lane(0);
    }
}
