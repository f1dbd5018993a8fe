package org.secateur.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.secateur.nn.Parameter;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

/** Adam and AdamW against numbers worked by hand and against PyTorch's algorithms written out per element. */
class AdamTest {

    @Test
    void firstStepMovesByLrTimesTheGradientsSign() {
        // bias correction makes the first step lr * g / (|g| + eps)
        Parameter p = Params.of(1.0, 1.0);
        Adam adam = new Adam(List.of(p), 0.1);
        Params.setGrad(p, 2, -0.001);
        adam.step();
        assertThat(p.data().toDoubleArray()).containsExactly(new double[] {1 - 0.1 * 2 / (2 + 1e-8),
                1 + 0.1 * 0.001 / (0.001 + 1e-8)}, within(1e-15));
        assertThat(adam.state(p, "exp_avg").toDoubleArray()).containsExactly(new double[] {0.2, -0.0001}, within(1e-15));
        assertThat(adam.state(p, "exp_avg_sq").toDoubleArray()).containsExactly(new double[] {0.004, 1e-9}, within(1e-15));
        assertThat(adam.stepCount(p)).isEqualTo(1);
    }

    @Test
    void adamWShrinksTheWeightsBeforeTheAdamStep() {
        Parameter p = Params.of(2.0);
        AdamW adamW = new AdamW(List.of(p), 0.1);  // weight decay 0.01
        Params.setGrad(p, 0.5);
        adamW.step();
        assertThat(p.data().item()).isCloseTo(2 * (1 - 0.1 * 0.01) - 0.1 * 0.5 / (0.5 + 1e-8), within(1e-15));
    }

    /** torch.optim.Adam / AdamW's documented algorithm (no amsgrad), one element at a time. */
    static double[] reference(double[] w0, double[][] grads, double lr, double b1, double b2, double eps, double wd,
                              boolean decoupled) {
        double[] w = w0.clone();
        double[] m = new double[w.length];
        double[] v = new double[w.length];
        for (int t = 1; t <= grads.length; t++) {
            for (int i = 0; i < w.length; i++) {
                double g = grads[t - 1][i];
                if (decoupled) {
                    w[i] *= 1 - lr * wd;
                } else {
                    g += wd * w[i];
                }
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                // PyTorch divides by sqrt(v) / sqrt(1 - b2^t) + eps, i.e. sqrt(vHat) + eps
                w[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
        return w;
    }

    @Test
    void adamAndAdamWMatchTheReferenceOverSeveralSteps() {
        qt().withExamples(30).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            int n = 1 + r.nextInt(1300);
            boolean decoupled = r.nextInt(2) == 0;
            double lr = 0.1 * r.nextDouble();
            double b1 = 0.5 + 0.49 * r.nextDouble();
            double b2 = 0.9 + 0.099 * r.nextDouble();
            double eps = 1e-8 * (1 + r.nextDouble());
            double wd = r.nextInt(2) * r.nextDouble() * 0.1;
            double[] w0 = Generators.normal(r.nextLong(), DType.F64, n).toDoubleArray();
            Parameter p = new Parameter(Tensor.vector(w0));
            Adam opt = decoupled ? new AdamW(List.of(p), lr, b1, b2, eps, wd) : new Adam(List.of(p), lr, b1, b2, eps, wd);
            double[][] grads = new double[5][];
            for (int t = 0; t < grads.length; t++) {
                grads[t] = Generators.normal(r.nextLong(), DType.F64, n).toDoubleArray();
                Params.setGrad(p, grads[t]);
                opt.step();
            }
            assertThat(p.data().toDoubleArray())
                    .containsExactly(reference(w0, grads, lr, b1, b2, eps, wd, decoupled), within(1e-12));
        });
    }

    @Test
    void float32StepsAgreeWithFloat64() {
        Tensor w0 = Generators.normal(1, DType.F64, 700);
        Parameter p32 = new Parameter(w0.to(DType.F32));
        Parameter p64 = new Parameter(w0.copy());
        Adam a32 = new AdamW(List.of(p32), 0.01);
        Adam a64 = new AdamW(List.of(p64), 0.01);
        for (int t = 0; t < 10; t++) {
            Tensor g = Generators.normal(100 + t, DType.F64, 700);
            p32.data().setGrad(g.to(DType.F32));
            p64.data().setGrad(g);
            a32.step();
            a64.step();
        }
        assertThat(p32.data().toDoubleArray()).containsExactly(p64.data().toDoubleArray(), within(1e-5));
    }

    @Test
    void fusedFloat32StepGivesTheReferenceRulesBits() {
        qt().withExamples(40).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            double lr = r.nextDouble() * 0.1;
            double beta1 = r.nextDouble() * 0.99;
            double beta2 = r.nextDouble() * 0.999;
            double eps = r.nextInt(2) == 0 ? 1e-8 : r.nextDouble();
            double wd = r.nextInt(2) * 0.1 * r.nextDouble();
            boolean decoupled = r.nextInt(2) == 0;
            FusedRules.requireSameBits(r, ps -> decoupled ? new AdamW(ps, lr, beta1, beta2, eps, wd)
                    : new Adam(ps, lr, beta1, beta2, eps, wd));
        });
    }
}
