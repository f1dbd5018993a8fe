package org.secateur.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import static org.quicktheories.QuickTheory.qt;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.secateur.nn.Parameter;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.testing.Generators;

/** Global gradient norm and clipping. */
class GradientsTest {

    @Test
    void clippingScalesAllGradientsToTheMaximumNorm() {
        Parameter a = Params.of(0.0, 0.0);
        Parameter b = Params.of(0.0);
        Parameter none = Params.of(0.0);
        Params.setGrad(a, 3, 4);
        Params.setGrad(b, 12);
        List<Parameter> ps = List.of(a, b, none);
        assertThat(Gradients.globalNorm(ps)).isEqualTo(13);
        assertThat(Gradients.clipGradNorm(ps, 6.5)).isEqualTo(13);
        double c = 6.5 / (13 + 1e-6);
        assertThat(a.grad().toDoubleArray()).containsExactly(new double[] {3 * c, 4 * c}, within(1e-15));
        assertThat(b.grad().item()).isCloseTo(12 * c, within(1e-15));
        assertThat(Gradients.globalNorm(ps)).isCloseTo(6.5, within(1e-6));
        assertThat(none.grad()).isNull();
    }

    @Test
    void gradientsWithinTheNormAreLeftAlone() {
        Parameter a = Params.of(0.0, 0.0);
        Params.setGrad(a, 3, 4);
        var g = a.grad();
        assertThat(Gradients.clipGradNorm(List.of(a), 5.1)).isEqualTo(5);
        assertThat(a.grad()).isSameAs(g);
    }

    @Test
    void gradientsSharingStorageAreEachScaledOnce() {
        Parameter a = Params.of(1.0, 1.0);
        Parameter b = Params.of(1.0, 1.0);
        a.data().add(b.data()).sum().backward();  // backward may give both the same storage
        assertThat(Gradients.clipGradNorm(List.of(a, b), 1)).isEqualTo(2);
        assertThat(a.grad().toDoubleArray()).containsExactly(new double[] {0.5, 0.5}, within(1e-6));
        assertThat(b.grad().toDoubleArray()).containsExactly(new double[] {0.5, 0.5}, within(1e-6));
    }

    @Test
    void aNonFiniteNormIsAnErrorNamingTheParameter() {
        Parameter a = Params.of(0.0);
        Parameter b = Params.of(0.0, 0.0);
        Params.setGrad(a, 1);
        Params.setGrad(b, 1, Double.NaN);
        assertThatThrownBy(() -> Gradients.clipGradNorm(List.of(a, b), 1)).isInstanceOf(ArithmeticException.class)
                .hasMessageContaining("parameter 1 of 2").hasMessageContaining("NaN");
        assertThat(b.grad().get(0)).isEqualTo(1.0);
    }

    /**
     * The finite check (a vectorised pass over the exponent bits) against {@code Double.isFinite} per element:
     * finite extremes pass, and a NaN or infinity anywhere, in either precision, is found at its index.
     */
    @Test
    void theFiniteCheckFindsTheFirstNanOrInfinityAnywhere() {
        double[] specials = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        double[] extremes = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -0.0, 0.0, 1e-40};
        qt().withExamples(200).forAll(Generators.seeds(), Generators.awkwardLengths(300)).checkAssert((seed, n) -> {
            Rng r = new Rng(seed);
            double[] g = new double[n];
            for (int i = 0; i < n; i++) {
                g[i] = r.nextInt(4) == 0 ? extremes[r.nextInt(extremes.length)] : r.nextGaussian();
            }
            int bad = n == 0 || r.nextInt(3) == 0 ? -1 : r.nextInt(n);
            if (bad >= 0) {
                g[bad] = specials[r.nextInt(specials.length)];
                if (r.nextInt(2) == 0 && bad + 1 < n) {
                    g[bad + 1 + r.nextInt(n - bad - 1)] = specials[r.nextInt(specials.length)];
                }
            }
            for (DType dtype : DType.values()) {
                Parameter p = Params.of(dtype, new double[Math.max(n, 1)]);
                Params.setGrad(p, n == 0 ? new double[] {0} : g);
                if (bad < 0) {
                    Gradients.requireFinite(List.of(p));
                } else {
                    assertThatThrownBy(() -> Gradients.requireFinite(List.of(p)))
                            .isInstanceOf(ArithmeticException.class).hasMessageContaining("at flat index " + bad + ";");
                }
            }
        });
    }
}
