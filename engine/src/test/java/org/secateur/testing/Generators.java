package org.secateur.testing;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import org.quicktheories.core.Gen;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/** QuickTheories generators for shapes and tensors. Tensors are built from a generated seed, so they replay. */
public final class Generators {
    private Generators() {}

    /** Seeds for tensor contents. */
    public static Gen<Long> seeds() {
        return longs().all();
    }

    /** Shapes of rank {@code [minRank, maxRank]} with dimensions in {@code [1, maxDim]}. */
    public static Gen<int[]> shapes(int minRank, int maxRank, int maxDim) {
        return integers().between(minRank, maxRank).flatMap(rank -> random -> {
            int[] s = new int[rank];
            for (int i = 0; i < rank; i++) {
                s[i] = (int) random.next(org.quicktheories.impl.Constraint.between(1, maxDim));
            }
            return s;
        }).describedAs(java.util.Arrays::toString);
    }

    /** Sizes around multiples of the vector length, where tails go wrong: 0..3, L-1, L, L+1, 2L+3, and random. */
    public static Gen<Integer> awkwardLengths(int maxRandom) {
        int l = 16;
        return integers().between(0, 9).flatMap(k -> switch (k) {
            case 0 -> integers().between(0, 3);
            case 1 -> integers().between(l - 1, l + 1);
            case 2 -> integers().between(2 * l - 1, 2 * l + 3);
            case 3 -> integers().between(4 * l - 1, 4 * l + 1);
            default -> integers().between(1, maxRandom);
        });
    }

    /** Standard normal entries. */
    public static Tensor normal(long seed, DType dtype, int... shape) {
        return Tensor.normal(new Rng(seed), 0, 1, dtype, shape);
    }

    /** Uniform entries in {@code [lo, hi)}. */
    public static Tensor uniform(long seed, double lo, double hi, DType dtype, int... shape) {
        return Tensor.uniform(new Rng(seed), lo, hi, dtype, shape);
    }
}
