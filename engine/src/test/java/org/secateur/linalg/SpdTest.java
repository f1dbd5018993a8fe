package org.secateur.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.secateur.linalg.SpdCases.EPS;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.secateur.tensor.DType;
import org.secateur.tensor.Tensor;
import org.secateur.tensor.kernels.Parallel;
import org.secateur.testing.Generators;
import org.secateur.testing.RestoresThreads;

/** Inverses, solves and the inverse's upper factor against their definitions, with tolerances scaled by condition. */
@ExtendWith(RestoresThreads.class)
class SpdTest {

    /** {@code |H X - I| <= c n eps kappa}: the forward-error bound of an inverse. */
    private static double inverseTolerance(double kappa, int n) {
        return 8 * (n + 1) * EPS * kappa;
    }

    @Test
    void theInverseTimesTheMatrixIsTheIdentity() {
        qt().withExamples(150).forAll(Generators.seeds(), SpdCases.orders(), integers().between(0, 4))
                .checkAssert((seed, n, spread) -> {
                    double[] h = SpdCases.spd(seed, n, spread);
                    double[] inv = Spd.inverse(h, n);
                    double kappa = SpdCases.condition(h, inv);
                    double[] product = Matrices.multiply(h, inv, n, n, n);
                    assertThat(SpdCases.maxAbsDiff(product, Matrices.identity(n)))
                            .as("|H H^-1 - I|, n=%d kappa=%.3g", n, kappa)
                            .isLessThanOrEqualTo(inverseTolerance(kappa, n));
                    assertThat(Matrices.isSymmetric(inv, n, 0)).as("exactly symmetric").isTrue();
                });
    }

    @Test
    void theUpperFactorOfTheInverseReproducesTheInverse() {
        qt().withExamples(120).forAll(Generators.seeds(), SpdCases.orders(), integers().between(0, 3))
                .checkAssert((seed, n, spread) -> {
                    double[] h = SpdCases.spd(seed, n, spread);
                    double[] inv = Spd.inverse(h, n);
                    double[] u = Spd.inverseUpperFactor(h, n, Damping.none());
                    assertThat(SpdCases.isTriangular(u, n, true)).as("U upper triangular").isTrue();
                    for (int i = 0; i < n; i++) {
                        assertThat(u[i * n + i]).as("U[%d][%d]", i, i).isPositive();
                    }
                    double relative = inverseTolerance(SpdCases.condition(h, inv), n);
                    double[] utu = Matrices.multiply(Matrices.transpose(u, n, n), u, n, n, n);
                    assertThat(SpdCases.maxAbsDiff(utu, inv)).as("|U^T U - H^-1|, n=%d", n)
                            .isLessThanOrEqualTo(relative * SpdCases.maxAbs(inv));
                    // The factor is unique, so it matches GPTQ's route: cholesky(inverse(H)), upper. U scales as
                    // the square root of H^-1.
                    double[] viaInverse = Cholesky.factor(inv, n).upper();
                    assertThat(SpdCases.maxAbsDiff(u, viaInverse)).as("against cholesky(inverse(H)).upper, n=%d", n)
                            .isLessThanOrEqualTo(relative * Math.sqrt(SpdCases.maxAbs(inv)));
                });
    }

    @Test
    void eachRowOfTheInverseFactorIsTheDowndatedInverseRow() {
        // GPTQ's observation: U_qq U[q, :] is row q of H^-1 after removing indices 0..q-1 one at a time.
        qt().withExamples(40).forAll(Generators.seeds(), integers().between(1, 40)).checkAssert((seed, n) -> {
            double[] h = SpdCases.spd(seed, n, 1);
            double[] u = Spd.inverseUpperFactor(h, n, Damping.relative(0.01));
            double[] hInv = Spd.inverse(h, n, Damping.relative(0.01));
            double tolerance = inverseTolerance(SpdCases.condition(h, hInv), n) * SpdCases.maxAbs(hInv);
            for (int q = 0; q < n; q++) {
                for (int j = q; j < n; j++) {
                    assertThat(u[q * n + q] * u[q * n + j]).as("q=%d j=%d", q, j)
                            .isCloseTo(hInv[q * n + j], org.assertj.core.data.Offset.offset(tolerance));
                }
                ObsDowndate.removeInPlace(hInv, n, q);
            }
        });
    }

    @Test
    void aFailureOfTheBackwardEliminationNamesTheIndexOfH() {
        double[] h = SpdCases.spd(3, 10, 1);
        for (int i = 0; i < 10; i++) {
            h[i * 10 + 6] = 0;
            h[6 * 10 + i] = 0;
        }
        h[6 * 10 + 6] = -2;
        assertThatThrownBy(() -> Spd.inverseUpperFactor(h, 10, Damping.none()))
                .isInstanceOfSatisfying(NotPositiveDefiniteException.class, e -> assertThat(e.pivot()).isEqualTo(6))
                .hasMessage("h (eliminated from its last index backwards) (10 x 10) is not positive definite: "
                        + "pivot 6 is -2.0, expected > 0");
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        int n = 2 * Cholesky.BLOCK + 37;
        double[] h = SpdCases.spd(11, n, 2);
        double[] b = SpdCases.normal(12, n, 40);
        Parallel.setThreads(1);
        double[] inv1 = Spd.inverse(h, n);
        double[] u1 = Spd.inverseUpperFactor(h, n, Damping.none());
        double[] x1 = Spd.solve(h, n, b, 40);
        Parallel.setThreads(3);
        assertThat(Spd.inverse(h, n)).containsExactly(inv1);
        assertThat(Spd.inverseUpperFactor(h, n, Damping.none())).containsExactly(u1);
        assertThat(Spd.solve(h, n, b, 40)).containsExactly(x1);
    }

    @Test
    void tensorOverloadsTakeFloat32OrFloat64AndReturnFloat64() {
        double[] h = SpdCases.spd(5, 6, 1);
        Tensor h64 = Tensor.of(h, 6, 6);
        Tensor h32 = h64.to(DType.F32);
        Tensor inv = Spd.inverse(h64);
        assertThat(inv.dtype()).isEqualTo(DType.F64);
        assertThat(inv.shape()).containsExactly(6, 6);
        assertThat(inv.doubles()).containsExactly(Spd.inverse(h, 6));
        assertThat(Spd.inverse(h32, Damping.absolute(1)).doubles())
                .containsExactly(Spd.inverse(h32.toDoubleArray(), 6, Damping.absolute(1)));
        assertThat(Spd.inverseUpperFactor(h64, Damping.relative(0.01)).doubles())
                .containsExactly(Spd.inverseUpperFactor(h, 6, Damping.relative(0.01)));
        assertThat(Spd.lowerFactor(h64, Damping.none()).doubles()).containsExactly(Cholesky.factor(h, 6).lower());

        double[] b = SpdCases.normal(6, 6, 1);
        Tensor x = Spd.solve(h64, Tensor.of(b, 6));
        assertThat(x.shape()).containsExactly(6);
        assertThat(x.doubles()).containsExactly(Spd.solve(h, 6, b, 1));
        assertThat(Spd.solve(h64, Tensor.of(b, 6, 1)).shape()).containsExactly(6, 1);
        assertThat(h64.doubles()).as("input untouched").containsExactly(h);
    }

    @Test
    void tensorShapeErrorsNameBothShapes() {
        Tensor h = Tensor.zeros(DType.F64, 3, 4);
        assertThatThrownBy(() -> Spd.inverse(h)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("h must be a square matrix [n, n], got shape [3, 4]");
        Tensor a = Tensor.of(Matrices.identity(3), 3, 3);
        assertThatThrownBy(() -> Spd.solve(a, Tensor.zeros(DType.F64, 4)))
                .hasMessage("b has shape [4] but a has shape [3, 3]; expected [3] or [3, k]");
        assertThatThrownBy(() -> Spd.solve(a, Tensor.zeros(DType.F64, 3, 2, 1)))
                .hasMessage("b has shape [3, 2, 1] but a has shape [3, 3]; expected [3] or [3, k]");
    }
}
