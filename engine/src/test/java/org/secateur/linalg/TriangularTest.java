package org.secateur.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.secateur.linalg.SpdCases.EPS;

import org.junit.jupiter.api.Test;
import org.secateur.testing.Generators;

/**
 * Forward and back substitution and the triangular inverse, on Cholesky factors of random SPD matrices (random
 * triangular matrices are exponentially ill-conditioned, factors are not).
 */
class TriangularTest {

    /** A solver under test: solves {@code op(T) X = B} in place. */
    private interface Solver {
        void solve(double[] t, int n, double[] b, int k);
    }

    /** The matrix the solver inverts, {@code op(T)}, for a lower {@code l} and its transpose {@code u}. */
    private static void checkSolver(Solver solver, boolean lowerInput, boolean transposed) {
        qt().withExamples(60).forAll(Generators.seeds(), SpdCases.orders(), integers().between(1, 4))
                .checkAssert((seed, n, k) -> {
                    double[] l = Cholesky.factor(SpdCases.spd(seed, n, 1), n).lower();
                    double[] t = lowerInput ? l : Matrices.transpose(l, n, n);
                    double[] op = transposed ? Matrices.transpose(t, n, n) : t;
                    double[] b = SpdCases.normal(seed ^ 1, n, k);
                    double[] x = b.clone();
                    solver.solve(t, n, x, k);
                    double[] residual = Matrices.multiply(op, x, n, n, k);
                    double tolerance = 4 * (n + 1) * EPS * SpdCases.maxAbs(op) * n * Math.max(1, SpdCases.maxAbs(x));
                    assertThat(SpdCases.maxAbsDiff(residual, b)).as("n=%d k=%d", n, k).isLessThanOrEqualTo(tolerance);
                });
    }

    @Test
    void lowerSolve() {
        checkSolver(Triangular::solveLowerInPlace, true, false);
    }

    @Test
    void lowerTransposedSolve() {
        checkSolver(Triangular::solveLowerTransposedInPlace, true, true);
    }

    @Test
    void upperSolve() {
        checkSolver(Triangular::solveUpperInPlace, false, false);
    }

    @Test
    void upperTransposedSolve() {
        checkSolver(Triangular::solveUpperTransposedInPlace, false, true);
    }

    @Test
    void upperInverseTimesTheMatrixIsTheIdentity() {
        qt().withExamples(80).forAll(Generators.seeds(), SpdCases.orders()).checkAssert((seed, n) -> {
            double[] u = Cholesky.factor(SpdCases.spd(seed, n, 1), n).upper();
            double[] x = Triangular.invertUpper(u, n);
            assertThat(SpdCases.isTriangular(x, n, true)).isTrue();
            double tolerance = 8 * (n + 1) * EPS * SpdCases.condition(u, x);
            assertThat(SpdCases.maxAbsDiff(Matrices.multiply(u, x, n, n, n), Matrices.identity(n)))
                    .as("n=%d", n).isLessThanOrEqualTo(tolerance);
        });
    }

    @Test
    void aZeroDiagonalIsRejectedBeforeAnythingIsWritten() {
        double[] u = Matrices.identity(3);
        u[4] = 0;
        double[] b = {1, 2, 3};
        assertThatThrownBy(() -> Triangular.solveUpperInPlace(u, 3, b, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("u is singular: diagonal element 1 is 0.0, expected finite and non-zero");
        assertThat(b).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> Triangular.invertUpper(u, 3)).hasMessageContaining("diagonal element 1 is 0.0");
    }
}
