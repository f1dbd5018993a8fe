package org.secateur.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;
import org.secateur.testing.Generators;

/** The Vector API kernel against the scalar reference: the same bits, on lengths around the vector width. */
class LinalgKernelsTest {

    @Test
    void panamaAxpyMatchesTheScalarReferenceBitForBit() {
        LinalgKernels panama = new PanamaLinalgKernels();
        qt().withExamples(300).forAll(Generators.seeds(), Generators.awkwardLengths(200), integers().between(0, 9))
                .checkAssert((seed, n, offset) -> {
                    // x and y as two non-overlapping ranges of one array, as the solvers use them.
                    double[] data = SpdCases.normal(seed, 1, 2 * n + 2 * offset + 1);
                    double alpha = data[data.length - 1];
                    double[] expected = data.clone();
                    double[] actual = data.clone();
                    LinalgKernels.SCALAR.axpy(alpha, expected, offset, expected, n + 2 * offset, n);
                    panama.axpy(alpha, actual, offset, actual, n + 2 * offset, n);
                    assertThat(actual).as("n=%d offset=%d", n, offset).containsExactly(expected);
                });
    }
}
