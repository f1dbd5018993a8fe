package org.secateur.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.secateur.tensor.kernels.Parallel;
import org.secateur.testing.Generators;
import org.secateur.testing.RestoresThreads;

/** {@link Tensor#firstNonFinite} finds the first NaN or infinity wherever it is, including in a later thread's chunk. */
@ExtendWith(RestoresThreads.class)
class FirstNonFiniteTest {

    @Test
    void findsTheFirstNonFiniteEntryOnAnyThreadCount() {
        qt().withExamples(40).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            Parallel.setThreads(1 + r.nextInt(3));
            // up to several chunks of the parallel check's grain (32768 elements)
            int n = 1 + r.nextInt(r.nextInt(2) == 0 ? 100 : 200_000);
            DType d = r.nextInt(2) == 0 ? DType.F32 : DType.F64;
            Tensor x = Generators.normal(r.nextLong(), d, n);
            int first = -1;
            int bad = r.nextInt(4);
            for (int k = 0; k < bad; k++) {
                int i = r.nextInt(n);
                double[] values = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
                x.setFlat(i, values[r.nextInt(3)]);
                first = first < 0 ? i : Math.min(first, i);
            }
            assertThat(x.firstNonFinite()).isEqualTo(first);
        });
    }
}
