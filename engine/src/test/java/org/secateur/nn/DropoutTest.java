package org.secateur.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

class DropoutTest {

    @Test
    void trainingZeroesAFractionPAndScalesSurvivorsByOneOverOneMinusP() {
        Tensor x = Tensor.full(2, DType.F64, 100, 100);
        Tensor y = new Dropout(0.3, new Rng(1)).apply(x);
        int zeros = 0;
        for (double v : y.toDoubleArray()) {
            if (v == 0) {
                zeros++;
            } else {
                assertThat(v).isCloseTo(2 / 0.7, within(1e-12));
            }
        }
        // binomial(10000, 0.3): standard deviation about 46
        assertThat(zeros).isBetween(3000 - 230, 3000 + 230);
    }

    @Test
    void theMaskIsAConstantSoTheGradientIsTheScaledMask() {
        Tensor x = Tensor.full(1, DType.F64, 50).requiresGrad(true);
        Tensor y = new Dropout(0.5, new Rng(2)).apply(x);
        y.sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(y.toDoubleArray());
    }

    @Test
    void sameSeedSameMaskAndFreshMasksPerForward() {
        Tensor x = Tensor.ones(DType.F32, 64);
        Dropout d = new Dropout(0.5, new Rng(3));
        Tensor first = d.apply(x);
        assertThat(new Dropout(0.5, new Rng(3)).apply(x).contentEquals(first)).isTrue();
        assertThat(d.apply(x).contentEquals(first)).isFalse();
    }

    @Test
    void evaluationAndZeroProbabilityAreTheIdentityAndOneDropsEverything() {
        Tensor x = Tensor.ones(DType.F32, 10);
        Dropout d = new Dropout(0.5, new Rng(4));
        d.eval();
        assertThat(d.apply(x)).isSameAs(x);
        assertThat(new Dropout(0, new Rng(5)).apply(x)).isSameAs(x);
        assertThat(new Dropout(1, new Rng(6)).apply(x).toDoubleArray()).containsOnly(0);
        assertThatThrownBy(() -> new Dropout(1.5, new Rng(7))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p=1.5");
    }
}
