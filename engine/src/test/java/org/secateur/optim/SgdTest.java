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
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

/** SGD against numbers worked by hand and against torch.optim.SGD's algorithm written out per element. */
class SgdTest {

    @Test
    void plainStepIsMinusLrTimesGradient() {
        Parameter p = Params.of(1.0, -2.0);
        SGD sgd = new SGD(List.of(p), 0.1);
        Params.setGrad(p, 0.5, -3);
        sgd.step();
        assertThat(p.data().toDoubleArray()).containsExactly(new double[] {0.95, -1.7}, within(1e-15));
        assertThat(sgd.stateNames()).isEmpty();
    }

    @Test
    void momentumStartsFromTheFirstGradientThenAccumulates() {
        Parameter p = Params.of(1.0);
        SGD sgd = new SGD(List.of(p), 0.1, 0.9, 0);
        Params.setGrad(p, 0.5);
        sgd.step();  // b = 0.5, w = 1 - 0.05
        assertThat(p.data().item()).isCloseTo(0.95, within(1e-15));
        sgd.step();  // b = 0.9 * 0.5 + 0.5 = 0.95, w = 0.95 - 0.095
        assertThat(p.data().item()).isCloseTo(0.855, within(1e-15));
        assertThat(sgd.state(p, "momentum_buffer").item()).isCloseTo(0.95, within(1e-15));
    }

    @Test
    void nesterovAndWeightDecayByHand() {
        Parameter p = Params.of(2.0);
        SGD sgd = new SGD(List.of(p), 0.1, 0.5, 0, 0.1, true);
        Params.setGrad(p, 1);
        sgd.step();  // d = 1 + 0.2 = 1.2, b = 1.2, d = 1.2 + 0.6 = 1.8, w = 2 - 0.18
        assertThat(p.data().item()).isCloseTo(1.82, within(1e-15));
        sgd.step();  // d = 1 + 0.182 = 1.182, b = 0.6 + 1.182 = 1.782, d = 1.182 + 0.891 = 2.073, w = 1.82 - 0.2073
        assertThat(p.data().item()).isCloseTo(1.6127, within(1e-14));
    }

    @Test
    void dampeningScalesLaterGradientsOnly() {
        Parameter p = Params.of(0.0);
        SGD sgd = new SGD(List.of(p), 1, 0.5, 0.5, 0, false);
        Params.setGrad(p, 2);
        sgd.step();  // b = 2 (no dampening on the first step), w = -2
        sgd.step();  // b = 1 + 0.5 * 2 = 2, w = -4
        assertThat(p.data().item()).isCloseTo(-4, within(1e-15));
    }

    /** {@code torch.optim.SGD}'s documented algorithm, one element at a time. */
    static double[] reference(double[] w0, double[][] grads, double lr, double mu, double damp, double wd, boolean nesterov) {
        double[] w = w0.clone();
        double[] b = new double[w.length];
        for (int t = 0; t < grads.length; t++) {
            for (int i = 0; i < w.length; i++) {
                double g = grads[t][i] + wd * w[i];
                if (mu != 0) {
                    b[i] = t == 0 ? g : mu * b[i] + (1 - damp) * g;
                    g = nesterov ? g + mu * b[i] : b[i];
                }
                w[i] -= lr * g;
            }
        }
        return w;
    }

    @Test
    void matchesTheReferenceOverSeveralStepsAndChunkBoundaries() {
        qt().withExamples(30).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            int n = 1 + r.nextInt(1300);  // crosses the optimizer's 512-element chunks
            double lr = r.nextDouble();
            double mu = r.nextInt(3) == 0 ? 0 : r.nextDouble();
            boolean nesterov = mu > 0 && r.nextInt(2) == 0;
            double damp = nesterov ? 0 : r.nextDouble() * (r.nextInt(2));
            double wd = r.nextInt(2) * 0.1 * r.nextDouble();
            double[] w0 = Generators.normal(r.nextLong(), DType.F64, n).toDoubleArray();
            double[][] grads = new double[4][];
            Parameter p = new Parameter(Tensor.vector(w0));
            SGD sgd = new SGD(List.of(p), lr, mu, damp, wd, nesterov);
            for (int t = 0; t < grads.length; t++) {
                grads[t] = Generators.normal(r.nextLong(), DType.F64, n).toDoubleArray();
                Params.setGrad(p, grads[t]);
                sgd.step();
            }
            assertThat(p.data().toDoubleArray())
                    .containsExactly(reference(w0, grads, lr, mu, damp, wd, nesterov), within(1e-12));
        });
    }

    @Test
    void fusedFloat32StepGivesTheReferenceRulesBits() {
        qt().withExamples(40).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            double lr = r.nextDouble();
            double mu = r.nextInt(3) == 0 ? 0 : r.nextDouble();
            boolean nesterov = mu > 0 && r.nextInt(2) == 0;
            double damp = nesterov ? 0 : r.nextDouble() * r.nextInt(2);
            double wd = r.nextInt(2) * 0.1 * r.nextDouble();
            FusedRules.requireSameBits(r, ps -> new SGD(ps, lr, mu, damp, wd, nesterov));
        });
    }

    @Test
    void rejectsNesterovWithoutMomentumOrWithDampening() {
        List<Parameter> ps = List.of(Params.of(1.0));
        assertThatThrownBy(() -> new SGD(ps, 0.1, 0, 0, 0, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("momentum=0.0");
        assertThatThrownBy(() -> new SGD(ps, 0.1, 0.9, 0.1, 0, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dampening=0.1");
        assertThatThrownBy(() -> new SGD(ps, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1.0");
    }
}
