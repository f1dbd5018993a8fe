package org.secateur.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.secateur.tensor.kernels.Parallel;
import org.secateur.testing.Generators;
import org.secateur.testing.RestoresThreads;

/** {@link Tensor#indexSelect} against its definition, including selections large enough to be split over threads. */
@ExtendWith(RestoresThreads.class)
class IndexSelectTest {

    @Test
    void selectsTheIndexedSlicesOnAnyThreadCount() {
        qt().withExamples(40).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            Parallel.setThreads(1 + r.nextInt(3));
            int axis = r.nextInt(2);
            // rows of up to 784 elements and up to 300 picks: often more than one chunk's grain in all
            int[] shape = {1 + r.nextInt(axis == 0 ? 300 : 4), 1 + r.nextInt(axis == 0 ? 8 : 300),
                1 + r.nextInt(784)};
            DType d = r.nextInt(2) == 0 ? DType.F32 : DType.F64;
            Tensor x = Generators.normal(r.nextLong(), d, shape);
            int[] index = new int[1 + r.nextInt(300)];
            for (int i = 0; i < index.length; i++) {
                index[i] = r.nextInt(shape[axis]);            // repeats allowed
            }
            Tensor y = x.indexSelect(axis, index);
            int[] expected = shape.clone();
            expected[axis] = index.length;
            assertThat(y.shape()).containsExactly(expected);
            int inner = axis == 0 ? shape[1] * shape[2] : shape[2];
            int outer = axis == 0 ? 1 : shape[0];
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < index.length; i++) {
                    for (int e = 0; e < inner; e++) {
                        double want = x.getFlat((o * shape[axis] + index[i]) * inner + e);
                        double got = y.getFlat((o * index.length + i) * inner + e);
                        if (want != got) {
                            throw new AssertionError("slice " + i + " (index " + index[i] + "), outer " + o
                                    + ", element " + e + ": " + got + " instead of " + want);
                        }
                    }
                }
            }
        });
    }
}
