package org.secateur.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The damping amounts and their validation. */
class DampingTest {

    @Test
    void relativeDampingIsAFractionOfTheMeanDiagonal() {
        double[] h = {2, 0, 0, 6};
        assertThat(Damping.relative(0.01).initialLambda(h, 2)).isEqualTo(0.04);
        assertThat(Damping.absolute(0.3).initialLambda(h, 2)).isEqualTo(0.3);
        assertThat(Damping.none().initialLambda(h, 2)).isZero();
        assertThat(Damping.relative(0.01).initialLambda(new double[0], 0)).isZero();
    }

    @Test
    void invalidDampingIsRejected() {
        assertThatThrownBy(() -> Damping.absolute(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("damping amount must be finite and >= 0, got -1.0");
        assertThatThrownBy(() -> Damping.relative(Double.NaN))
                .hasMessage("damping amount must be finite and >= 0, got NaN");
        assertThatThrownBy(() -> Damping.absolute(1).withRetries(-1, 10)).hasMessage("retries must be >= 0, got -1");
        assertThatThrownBy(() -> Damping.absolute(1).withRetries(2, 1))
                .hasMessage("growth must be finite and > 1, got 1.0");
        assertThatThrownBy(() -> Damping.none().withRetries(2, 10))
                .hasMessage("retries need a positive damping amount to grow, got amount 0");
    }
}
