package org.secateur.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.secateur.linalg.SpdCases.EPS;

import org.junit.jupiter.api.Test;
import org.quicktheories.generators.SourceDSL;
import org.secateur.testing.Generators;

/** The Cholesky factorisation against its definition, with and without damping, and its failures. */
class CholeskyTest {

    /** Backward error bound of Cholesky: {@code |L L^T - H| <= c n eps max(diag H)} elementwise. */
    private static double factorTolerance(double[] h, int n) {
        return 4 * (n + 1) * EPS * SpdCases.maxAbs(Matrices.diagonal(h, n));
    }

    @Test
    void lowerTimesTransposeIsTheMatrix() {
        qt().withExamples(150).forAll(Generators.seeds(), SpdCases.orders()).checkAssert((seed, n) -> {
            double[] h = SpdCases.spd(seed, n, 3);
            Cholesky c = Cholesky.factor(h, n);
            double[] l = c.lower();
            assertThat(SpdCases.isTriangular(l, n, false)).as("L lower triangular").isTrue();
            for (int i = 0; i < n; i++) {
                assertThat(l[i * n + i]).as("L[%d][%d]", i, i).isPositive();
            }
            double[] llt = Matrices.multiply(l, Matrices.transpose(l, n, n), n, n, n);
            assertThat(SpdCases.maxAbsDiff(llt, h)).as("|L L^T - H|, n=%d", n)
                    .isLessThanOrEqualTo(factorTolerance(h, n));
            assertThat(c.upper()).containsExactly(Matrices.transpose(l, n, n));
            assertThat(c.lambda()).isZero();
        });
    }

    /** The unblocked right-looking algorithm on the upper factor, as a textbook writes it. */
    private static double[] textbookUpper(double[] h, int n) {
        double[] u = Matrices.transpose(h, n, n);
        for (int k = 0; k < n; k++) {
            double r = Math.sqrt(u[k * n + k]);
            u[k * n + k] = r;
            for (int j = k + 1; j < n; j++) {
                u[k * n + j] /= r;
            }
            for (int i = k + 1; i < n; i++) {
                for (int j = i; j < n; j++) {
                    u[i * n + j] -= u[k * n + i] * u[k * n + j];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                u[i * n + j] = 0;
            }
        }
        return u;
    }

    @Test
    void theBlockedParallelFactorIsTheTextbookFactorBitForBit() {
        qt().withExamples(20).forAll(Generators.seeds(), integers().between(1, 3 * Cholesky.BLOCK + 5))
                .checkAssert((seed, n) -> {
                    double[] h = SpdCases.spd(seed, n, 2);
                    assertThat(Cholesky.factor(h, n).upper()).as("n=%d", n).containsExactly(textbookUpper(h, n));
                });
    }

    @Test
    void onlyTheLowerTriangleIsRead() {
        qt().withExamples(30).forAll(Generators.seeds(), integers().between(2, 40)).checkAssert((seed, n) -> {
            double[] h = SpdCases.spd(seed, n, 1);
            double[] garbled = h.clone();
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    garbled[i * n + j] = Double.NaN;
                }
            }
            assertThat(Cholesky.factor(garbled, n).upper()).containsExactly(Cholesky.factor(h, n).upper());
        });
    }

    @Test
    void solvesSatisfyTheSystem() {
        qt().withExamples(100).forAll(Generators.seeds(), SpdCases.orders(), integers().between(1, 5))
                .checkAssert((seed, n, k) -> {
                    double[] a = SpdCases.spd(seed, n, 3);
                    double[] b = SpdCases.normal(seed + 1, n, k);
                    double[] x = Cholesky.factor(a, n).solve(b, k);
                    double[] residual = Matrices.multiply(a, x, n, n, k);
                    double tolerance = 8 * (n + 1) * EPS * (n * SpdCases.maxAbs(Matrices.diagonal(a, n))
                            * SpdCases.maxAbs(x) + SpdCases.maxAbs(b));
                    assertThat(SpdCases.maxAbsDiff(residual, b)).as("|A x - b|, n=%d k=%d", n, k)
                            .isLessThanOrEqualTo(tolerance);
                });
    }

    @Test
    void absoluteAndRelativeDampingFactorTheShiftedMatrix() {
        qt().withExamples(60).forAll(Generators.seeds(), SpdCases.orders(), SourceDSL.doubles().between(1e-4, 1))
                .checkAssert((seed, n, amount) -> {
                    double[] h = SpdCases.spd(seed, n, 2);
                    double meanDiagonal = Matrices.trace(h, n) / n;
                    for (Damping d : new Damping[] {Damping.absolute(amount), Damping.relative(amount)}) {
                        Cholesky c = Cholesky.factor(h, n, d);
                        double lambda = d.relative() ? amount * meanDiagonal : amount;
                        assertThat(c.lambda()).isEqualTo(lambda);
                        double[] shifted = h.clone();
                        Matrices.addToDiagonal(shifted, n, lambda);
                        double[] l = c.lower();
                        double[] llt = Matrices.multiply(l, Matrices.transpose(l, n, n), n, n, n);
                        assertThat(SpdCases.maxAbsDiff(llt, shifted)).as("%s, n=%d", d, n)
                                .isLessThanOrEqualTo(factorTolerance(shifted, n));
                    }
                });
    }

    /** An SPD matrix whose row and column {@code q} are zero except a diagonal of -1.5: pivot q is -1.5 + lambda. */
    private static double[] failingAt(long seed, int n, int q) {
        double[] h = SpdCases.spd(seed, n, 1);
        for (int i = 0; i < n; i++) {
            h[i * n + q] = 0;
            h[q * n + i] = 0;
        }
        h[q * n + q] = -1.5;
        return h;
    }

    @Test
    void aMatrixThatIsNotPositiveDefiniteIsRejectedNamingThePivot() {
        qt().withExamples(60).forAll(Generators.seeds(), integers().between(1, 150), integers().between(0, 1000))
                .checkAssert((seed, n, qSeed) -> {
                    int q = qSeed % n;
                    double[] h = failingAt(seed, n, q);
                    assertThatThrownBy(() -> Cholesky.factor(h, n))
                            .isInstanceOfSatisfying(NotPositiveDefiniteException.class, e -> {
                                assertThat(e.pivot()).isEqualTo(q);
                                assertThat(e.value()).isEqualTo(-1.5);
                                assertThat(e.lambda()).isZero();
                            })
                            .hasMessage("a (" + n + " x " + n + ") is not positive definite: pivot " + q
                                    + " is -1.5, expected > 0");
                    assertThatThrownBy(() -> Cholesky.factor(h, n, Damping.absolute(1)))
                            .isInstanceOfSatisfying(NotPositiveDefiniteException.class,
                                    e -> assertThat(e.pivot()).isEqualTo(q))
                            .hasMessageContaining("pivot " + q + " is -0.5, expected > 0 after adding lambda = 1.0");
                });
    }

    @Test
    void retriesGrowTheDampingUntilTheFactorisationSucceeds() {
        double[] h = failingAt(7, 20, 11);
        Cholesky c = Cholesky.factor(h, 20, Damping.absolute(0.01).withRetries(3, 10));
        assertThat(c.lambda()).isEqualTo(0.01 * 10 * 10 * 10);
        assertThat(c.lower()[11 * 20 + 11]).isEqualTo(Math.sqrt(c.lambda() - 1.5));

        assertThatThrownBy(() -> Cholesky.factor(h, 20, Damping.absolute(0.01).withRetries(2, 10)))
                .isInstanceOfSatisfying(NotPositiveDefiniteException.class, e -> {
                    assertThat(e.pivot()).isEqualTo(11);
                    assertThat(e.lambda()).isEqualTo(0.01 * 10 * 10);
                })
                .hasMessageContaining("pivot 11 is -0.5").hasMessageContaining("attempt 3");
    }

    @Test
    void nanIsReportedAsABadPivot() {
        double[] h = Matrices.identity(3);
        h[4] = Double.NaN;
        assertThatThrownBy(() -> Cholesky.factor(h, 3)).isInstanceOf(NotPositiveDefiniteException.class)
                .hasMessageContaining("pivot 1 is NaN");
    }

    @Test
    void theEmptyMatrixFactorises() {
        Cholesky c = Cholesky.factor(new double[0], 0);
        assertThat(c.lower()).isEmpty();
        assertThat(c.inverse()).isEmpty();
        assertThat(c.solve(new double[0], 3)).isEmpty();
    }

    @Test
    void shapeErrorsNameTheArgument() {
        assertThatThrownBy(() -> Cholesky.factor(new double[5], 2))
                .hasMessage("a has 5 elements but a 2 x 2 matrix needs 4");
        Cholesky c = Cholesky.factor(Matrices.identity(3), 3);
        assertThatThrownBy(() -> c.solve(new double[4], 2)).hasMessage("b has 4 elements but a 3 x 2 matrix needs 6");
    }
}
