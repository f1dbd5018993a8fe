package org.secateur.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.secateur.linalg.SpdCases.EPS;

import org.junit.jupiter.api.Test;
import org.secateur.testing.Generators;

/** The downdated inverse against a direct re-inversion of the reduced matrix (OBC, Lemma 1). */
class ObsDowndateTest {

    @Test
    void theDowndatedInverseIsTheInverseOfTheReducedMatrix() {
        qt().withExamples(100).forAll(Generators.seeds(), integers().between(2, 90), integers().between(0, 1000))
                .checkAssert((seed, n, qSeed) -> {
                    int q = qSeed % n;
                    double[] h = SpdCases.spd(seed, n, 2);
                    double[] hInv = Spd.inverse(h, n);
                    double[] expected = Spd.inverse(SpdCases.withoutIndex(h, n, q), n - 1);
                    double[] actual = ObsDowndate.removed(hInv, n, q);
                    double tolerance = 16 * (n + 1) * EPS * SpdCases.condition(h, hInv) * SpdCases.maxAbs(hInv);
                    assertThat(SpdCases.maxAbsDiff(actual, expected)).as("n=%d q=%d", n, q)
                            .isLessThanOrEqualTo(tolerance);
                });
    }

    @Test
    void inPlaceRemovalZeroesTheIndexAndEqualsTheReducedCopy() {
        qt().withExamples(80).forAll(Generators.seeds(), integers().between(1, 70), integers().between(0, 1000))
                .checkAssert((seed, n, qSeed) -> {
                    int q = qSeed % n;
                    double[] hInv = Spd.inverse(SpdCases.spd(seed, n, 1), n);
                    double[] reduced = ObsDowndate.removed(hInv, n, q);
                    double[] full = hInv.clone();
                    ObsDowndate.removeInPlace(full, n, q);
                    for (int i = 0; i < n; i++) {
                        assertThat(full[i * n + q]).isZero();
                        assertThat(full[q * n + i]).isZero();
                    }
                    assertThat(SpdCases.withoutIndex(full, n, q)).containsExactly(reduced);
                });
    }

    @Test
    void successiveRemovalsGiveTheInverseOfTheRemainingIndices() {
        qt().withExamples(40).forAll(Generators.seeds(), integers().between(3, 60)).checkAssert((seed, n) -> {
            double[] h = SpdCases.spd(seed, n, 1);
            double[] hInv = Spd.inverse(h, n);
            double tolerance = 16 * n * (n + 1) * EPS * SpdCases.condition(h, hInv) * SpdCases.maxAbs(hInv);
            // Remove every other index, in a scrambled order, then compare with a fresh inverse of what is left.
            int[] order = new org.secateur.tensor.Rng(seed).permutation(n);
            double[] kept = h;
            boolean[] removed = new boolean[n];
            for (int r = 0; r < n / 2; r++) {
                ObsDowndate.removeInPlace(hInv, n, order[r]);
                removed[order[r]] = true;
            }
            int m = n;
            for (int q = n - 1; q >= 0; q--) {
                if (removed[q]) {
                    kept = SpdCases.withoutIndex(kept, m, q);
                    hInv = SpdCases.withoutIndex(hInv, m, q);
                    m--;
                }
            }
            assertThat(SpdCases.maxAbsDiff(hInv, Spd.inverse(kept, m))).as("n=%d", n).isLessThanOrEqualTo(tolerance);
        });
    }

    @Test
    void argumentsAreChecked() {
        double[] hInv = Matrices.identity(3);
        assertThatThrownBy(() -> ObsDowndate.removed(hInv, 3, 3))
                .hasMessage("q = 3 is out of range for a 3 x 3 hInv");
        ObsDowndate.removeInPlace(hInv, 3, 1);
        assertThatThrownBy(() -> ObsDowndate.removeInPlace(hInv, 3, 1)).hasMessage("hInv[1][1] = 0.0, expected "
                + "finite and > 0 (an inverse of a positive definite matrix; already removed?)");
    }
}
