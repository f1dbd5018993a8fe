package org.secateur.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The matrix helpers on small hand-checked cases. */
class MatricesTest {
    private static final double[] A = {1, 2, 3, 4, 5, 6}; // 2 x 3

    @Test
    void productsTransposeDiagonalAndTrace() {
        double[] b = {1, 0, 0, 1, 1, 1}; // 3 x 2
        assertThat(Matrices.multiply(A, b, 2, 3, 2)).containsExactly(4, 5, 10, 11);
        assertThat(Matrices.multiplyVector(A, 2, 3, new double[] {1, 1, 1})).containsExactly(6, 15);
        assertThat(Matrices.transpose(A, 2, 3)).containsExactly(1, 4, 2, 5, 3, 6);
        double[] s = {4, 1, 1, 9};
        assertThat(Matrices.diagonal(s, 2)).containsExactly(4, 9);
        assertThat(Matrices.trace(s, 2)).isEqualTo(13);
        Matrices.addToDiagonal(s, 2, 0.5);
        assertThat(s).containsExactly(4.5, 1, 1, 9.5);
        assertThat(Matrices.identity(2)).containsExactly(1, 0, 0, 1);
    }

    @Test
    void symmetryIsRelativeToTheLargestElement() {
        double[] s = {100, 1, 1 + 1e-12, 2};
        assertThat(Matrices.isSymmetric(s, 2, 1e-13)).isTrue();
        assertThat(Matrices.isSymmetric(s, 2, 1e-15)).isFalse();
        assertThat(Matrices.isSymmetric(new double[] {1, Double.NaN, Double.NaN, 1}, 2, 1)).isFalse();
        assertThat(Matrices.isSymmetric(new double[0], 0, 0)).isTrue();
    }

    @Test
    void shapeErrorsNameTheArgumentAndBothSizes() {
        assertThatThrownBy(() -> Matrices.multiply(A, A, 2, 3, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("b has 6 elements but a 3 x 3 matrix needs 9");
        assertThatThrownBy(() -> Matrices.multiplyVector(A, 2, 3, new double[2]))
                .hasMessage("x has length 2 but a is 2 x 3");
        assertThatThrownBy(() -> Matrices.trace(A, 2)).hasMessage("a has 6 elements but a 2 x 2 matrix needs 4");
    }
}
