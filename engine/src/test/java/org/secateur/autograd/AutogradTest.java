package org.secateur.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

class AutogradTest {
    private static final DType D = DType.F64;

    @Test
    void hessianOfAQuadraticFormIsItsMatrix() {
        qt().withExamples(40).forAll(integers().between(1, 9), Generators.seeds()).checkAssert((n, seed) -> {
            Rng r = new Rng(seed);
            Tensor b = Tensor.normal(r, 0, 1, D, n, n);
            Tensor a = b.add(b.t()).detach();                    // symmetric A
            Tensor x0 = Tensor.normal(r, 0, 1, D, n);
            // f(x) = 0.5 x^T A x
            Tensor h = Autograd.hessian(x -> x.reshape(1, n).matmul(a).matmul(x.reshape(n, 1)).sum().mul(0.5), x0);
            assertThat(h.shape()).containsExactly(n, n);
            for (int i = 0; i < n * n; i++) {
                assertThat(h.getFlat(i)).isCloseTo(a.getFlat(i), within(1e-12));
            }
        });
    }

    @Test
    void secondDerivativeOfACubeIsSixX() {
        Tensor x = Tensor.vector(2.0);
        Tensor h = Autograd.hessian(t -> t.pow(3).sum(), x);
        assertThat(h.item()).isCloseTo(12.0, within(1e-12));
        // and the third derivative through three nested grads
        Tensor xv = x.copy().requiresGrad(true);
        Tensor g1 = Autograd.grad(xv.pow(3).sum(), new Tensor[] {xv}, true)[0];
        Tensor g2 = Autograd.grad(g1.sum(), new Tensor[] {xv}, true)[0];
        Tensor g3 = Autograd.grad(g2.sum(), new Tensor[] {xv}, false)[0];
        assertThat(g3.item()).isCloseTo(6.0, within(1e-12));
    }

    @Test
    void jacobianOfALinearMapIsItsMatrix() {
        Rng r = new Rng(3);
        Tensor m = Tensor.normal(r, 0, 1, D, 4, 3);
        Tensor x = Tensor.normal(r, 0, 1, D, 3);
        Tensor j = Autograd.jacobian(v -> m.matmul(v.reshape(3, 1)).reshape(4), x);
        assertThat(j.shape()).containsExactly(4, 3);
        assertThat(j.toDoubleArray()).containsExactly(m.toDoubleArray());
    }

    @Test
    void hessianVectorProductOnParametersMatchesTheFullHessian() {
        Rng r = new Rng(5);
        Tensor w1 = Tensor.normal(r, 0, 1, D, 3, 4).requiresGrad(true);
        Tensor w2 = Tensor.normal(r, 0, 1, D, 4).requiresGrad(true);
        Tensor x = Tensor.normal(r, 0, 1, D, 6, 3);
        java.util.function.Supplier<Tensor> loss = () -> x.matmul(w1).tanh().matmul(w2.reshape(4, 1)).square().mean();
        Tensor[] params = {w1, w2};
        Tensor h = Autograd.hessian(loss, params);
        assertThat(h.shape()).containsExactly(16, 16);
        Tensor v1 = Tensor.normal(r, 0, 1, D, 3, 4);
        Tensor v2 = Tensor.normal(r, 0, 1, D, 4);
        Tensor[] hv = Autograd.hessianVectorProduct(loss, params, new Tensor[] {v1, v2});
        Tensor v = Tensor.concat(0, v1.reshape(12), v2);
        Tensor expected = h.matmul(v.reshape(16, 1)).reshape(16);
        Tensor actual = Tensor.concat(0, hv[0].reshape(12), hv[1]);
        for (int i = 0; i < 16; i++) {
            assertThat(actual.getFlat(i)).isCloseTo(expected.getFlat(i), within(1e-12));
            for (int j = 0; j < 16; j++) {
                assertThat(h.get(i, j)).isCloseTo(h.get(j, i), within(1e-12));
            }
        }
    }

    @Test
    void hessianOfALinearFunctionIsZero() {
        Tensor x = Tensor.vector(1.0, 2.0);
        Tensor hv = Autograd.hessianVectorProduct(t -> t.mul(3).sum(), x, Tensor.vector(1.0, 1.0));
        assertThat(hv.toDoubleArray()).containsExactly(0, 0);
    }

    @Test
    void backwardAccumulatesIntoLeavesAndRetainedTensors() {
        Tensor w = Tensor.vector(1.0, -2.0).requiresGrad(true);
        Tensor h = w.mul(3).retainGrad();
        Tensor loss = h.square().sum();
        loss.backward();
        assertThat(h.grad().toDoubleArray()).containsExactly(6, -12);     // 2h
        assertThat(w.grad().toDoubleArray()).containsExactly(18, -36);    // 2h * 3
        w.mul(3).square().sum().backward();
        assertThat(w.grad().toDoubleArray()).containsExactly(36, -72);    // accumulated
        assertThat(w.grad().requiresGrad()).isFalse();
    }

    @Test
    void leavesNeverShareGradientStorage() {
        Tensor a = Tensor.vector(1.0, 2.0).requiresGrad(true);
        Tensor b = Tensor.vector(3.0, 4.0).requiresGrad(true);
        a.add(b).sum().backward();               // add routes one gradient tensor to both inputs
        b.grad().scaleInPlace(10);
        assertThat(a.grad().toDoubleArray()).containsExactly(1, 1);
        Tensor seed = Tensor.vector(5.0, 6.0);
        Tensor c = Tensor.vector(0.0, 0.0).requiresGrad(true);
        c.backward(seed);
        seed.fillInPlace(0);
        assertThat(c.grad().toDoubleArray()).containsExactly(5, 6);
    }

    @Test
    void plainBackwardBuildsNoGraph() {
        Tensor w = Tensor.vector(1.0, 2.0).requiresGrad(true);
        Tensor[] g = Autograd.grad(w.exp().sum(), new Tensor[] {w}, false);
        assertThat(g[0].requiresGrad()).isFalse();
        assertThat(g[0].gradFn()).isNull();
        Tensor[] g2 = Autograd.grad(w.exp().sum(), new Tensor[] {w}, true);
        assertThat(g2[0].gradFn()).isNotNull();
    }

    @Test
    void noGradAndDetachCutTheGraph() {
        Tensor w = Tensor.vector(1.0).requiresGrad(true);
        try (var off = GradMode.noGrad()) {
            assertThat(w.mul(2).requiresGrad()).isFalse();
            try (var on = GradMode.enableGrad()) {
                assertThat(w.mul(2).requiresGrad()).isTrue();
            }
            assertThat(GradMode.isEnabled()).isFalse();
        }
        assertThat(GradMode.isEnabled()).isTrue();
        Tensor d = w.mul(2).detach();
        assertThat(d.requiresGrad()).isFalse();
        assertThat(d.gradFn()).isNull();
        // a gradient with respect to an input the output does not depend on is zero
        Tensor u = Tensor.vector(5.0).requiresGrad(true);
        Tensor[] g = Autograd.grad(w.mul(2).sum(), new Tensor[] {w, u}, false);
        assertThat(g[1].toDoubleArray()).containsExactly(0);
    }

    @Test
    void anomalyDetectionNamesTheOperation() {
        Tensor x = Tensor.vector(-1.0).requiresGrad(true);
        try (var on = Anomaly.detect()) {
            assertThatThrownBy(() -> x.log()).isInstanceOf(ArithmeticException.class)
                    .hasMessageContaining("forward of log");
            Tensor y = Tensor.vector(0.0).requiresGrad(true);
            Tensor s = y.sqrt();   // 0 is fine forward; the gradient 1/(2 sqrt 0) is infinite
            assertThatThrownBy(s::backward).isInstanceOf(ArithmeticException.class)
                    .hasMessageContaining("backward of");
        }
        assertThat(Anomaly.isEnabled()).isFalse();
        assertThat(x.log().item()).isNaN();
    }

    @Test
    void errorsNameBothShapes() {
        Tensor a = Tensor.zeros(D, 2, 3);
        Tensor b = Tensor.zeros(D, 4, 5);
        assertThatThrownBy(() -> a.add(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 3]").hasMessageContaining("[4, 5]");
        assertThatThrownBy(() -> a.matmul(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 3]").hasMessageContaining("[4, 5]");
        assertThatThrownBy(() -> a.add(Tensor.zeros(DType.F32, 2, 3))).hasMessageContaining("dtype");
        assertThatThrownBy(() -> Tensor.vector(1.0).requiresGrad(true).mul(2).sum().backward(Tensor.zeros(D, 2)))
                .hasMessageContaining("[2]");
    }

    @Test
    void deepGraphsDoNotOverflowTheStack() {
        Tensor x = Tensor.vector(1.0).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 100_000; i++) {
            y = y.add(1e-6);
        }
        y.sum().backward();
        assertThat(x.grad().item()).isEqualTo(1.0);
    }
}
