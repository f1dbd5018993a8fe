package org.secateur.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.secateur.tensor.DType;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

class LayerNormTest {

    @Test
    void normalisesEachSampleOverTheTrailingDimensionsThenScalesAndShifts() {
        LayerNorm ln = new LayerNorm(2, 3);
        ln.to(DType.F64);
        ln.weight.data().copyFromInPlace(Generators.normal(1, DType.F64, 2, 3));
        ln.bias.data().copyFromInPlace(Generators.normal(2, DType.F64, 2, 3));
        Tensor x = Generators.normal(3, DType.F64, 4, 2, 3);
        Tensor y = ln.apply(x);
        for (int n = 0; n < 4; n++) {
            double mean = 0;
            for (int i = 0; i < 6; i++) {
                mean += x.getFlat(n * 6 + i) / 6;
            }
            double var = 0;
            for (int i = 0; i < 6; i++) {
                var += Math.pow(x.getFlat(n * 6 + i) - mean, 2) / 6;
            }
            for (int i = 0; i < 6; i++) {
                double expected = (x.getFlat(n * 6 + i) - mean) / Math.sqrt(var + 1e-5) * ln.weight.data().getFlat(i)
                        + ln.bias.data().getFlat(i);
                assertThat(y.getFlat(n * 6 + i)).isCloseTo(expected, within(1e-12));
            }
        }
    }

    @Test
    void rejectsInputsThatDoNotEndWithTheNormalizedShape() {
        assertThatThrownBy(() -> new LayerNorm(2, 3).apply(Tensor.zeros(DType.F32, 4, 3, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[4, 3, 2]")
                .hasMessageContaining("[2, 3]");
    }
}
