package org.secateur.sparsity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.secateur.tensor.Rng;
import org.secateur.testing.Generators;

/** The radix-select threshold agrees with a sort, on tied, sorted, signed, tiny, huge and infinite scores. */
class SelectionTest {

    @Test
    void thresholdAndTiesMatchASortedCopy() {
        qt().withExamples(300).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            int n = 1 + r.nextInt(r.nextInt(2) == 0 ? 20 : 5000);
            // few distinct values half of the time: ties everywhere
            int distinct = r.nextInt(2) == 0 ? 1 + r.nextInt(4) : Integer.MAX_VALUE;
            double[] a = new double[n];
            double[] special = {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, -0.0, Double.MIN_VALUE, -Double.MAX_VALUE};
            for (int i = 0; i < n; i++) {
                a[i] = distinct == Integer.MAX_VALUE ? r.nextGaussian() * Math.exp(10 * r.nextGaussian()) : r.nextInt(distinct);
                if (r.nextInt(50) == 0) {
                    a[i] = special[r.nextInt(special.length)];
                }
            }
            switch (r.nextInt(3)) {
                case 0 -> Arrays.sort(a);
                case 1 -> { Arrays.sort(a); reverse(a); }
                default -> { }
            }
            int k = 1 + r.nextInt(n);
            double[] sorted = a.clone();
            Arrays.sort(sorted);
            Selection.Threshold t = Selection.lowest(a.clone(), k);
            assertThat(t.value()).isEqualTo(sorted[k - 1]);
            long below = Arrays.stream(sorted).filter(v -> v < t.value()).count();
            assertThat(t.ties()).isEqualTo(k - below).isPositive();
        });
    }

    @Test
    void signedZerosAreOneValue() {
        Selection.Threshold t = Selection.lowest(new double[] {0.0, -0.0, 0.0, 1}, 2);
        assertThat(t.value()).isZero();
        assertThat(t.ties()).isEqualTo(2);
    }

    private static void reverse(double[] a) {
        for (int i = 0, j = a.length - 1; i < j; i++, j--) {
            double t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
