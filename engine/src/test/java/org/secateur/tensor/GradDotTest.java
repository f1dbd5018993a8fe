package org.secateur.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;
import org.secateur.autograd.GradMode;
import org.secateur.testing.Generators;

/**
 * {@link Backprop#gradDot} against the route it shortcuts: form every gradient with its graph, contract it with the
 * direction, differentiate again. Equal values and equal second derivatives, on a net where a weight feeds a linear
 * layer, a matrix product and a penalty at once, a convolution's weight and input are both differentiated, and one
 * parameter is listed twice.
 */
class GradDotTest {
    private static final DType D = DType.F64;

    @Test
    void equalsTheContractedGradientAndDifferentiatesLikeIt() {
        qt().withExamples(30).forAll(integers().between(1, 5), integers().between(1, 6), Generators.seeds())
                .checkAssert((batch, width, seed) -> {
                    Rng r = new Rng(seed);
                    Conv2dGeometry geo = Conv2dGeometry.of(2, 5, 4, 3, 1, 1, 1);
                    Tensor x = Tensor.normal(r, 0, 1, D, batch, 2, 5, 4).requiresGrad(true);
                    Tensor k = Tensor.normal(r, 0, 0.5, D, 3, 2, 3, 3).requiresGrad(true);
                    Tensor w = Tensor.normal(r, 0, 0.3, D, width, 60).requiresGrad(true);
                    Tensor b = Tensor.normal(r, 0, 0.3, D, width).requiresGrad(true);
                    Tensor[] params = {x, k, w, b, w};
                    Tensor[] dirs = new Tensor[params.length];
                    for (int i = 0; i < dirs.length; i++) {
                        dirs[i] = Tensor.normal(r, 0, 1, D, params[i].shape());
                    }
                    java.util.function.Supplier<Tensor> loss = () -> {
                        Tensor h = Fused.conv2d(x, k, null, geo).tanh().reshape(batch, 60);
                        Tensor y = Fused.linear(h, w, b).tanh();
                        Tensor z = h.matmul(w, false, true).square().mean();
                        return y.square().sum().add(z).add(w.square().sum().mul(0.1));
                    };
                    Tensor dot;
                    Tensor reference = null;
                    try (var on = GradMode.enableGrad()) {
                        Tensor l = loss.get();
                        Tensor[] g = Backprop.grad(new Tensor[] {l}, new Tensor[] {Tensor.ones(D)}, params, true);
                        for (int i = 0; i < params.length; i++) {
                            Tensor term = g[i].mul(dirs[i]).sum();
                            reference = reference == null ? term : reference.add(term);
                        }
                        dot = Backprop.gradDot(new Tensor[] {loss.get()}, new Tensor[] {Tensor.ones(D)}, params, dirs);
                    }
                    assertThat(dot.item()).isCloseTo(reference.item(), within(1e-10 * (1 + Math.abs(reference.item()))));
                    Tensor[] unique = {x, k, w, b};
                    Tensor[] hv = Backprop.grad(new Tensor[] {dot}, new Tensor[] {Tensor.ones(D)}, unique, false);
                    Tensor[] expected = Backprop.grad(new Tensor[] {reference}, new Tensor[] {Tensor.ones(D)}, unique,
                            false);
                    for (int i = 0; i < unique.length; i++) {
                        for (int j = 0; j < hv[i].numel(); j++) {
                            double e = expected[i].getFlat(j);
                            assertThat(hv[i].getFlat(j)).as("parameter %d, element %d", i, j)
                                    .isCloseTo(e, within(1e-10 * (1 + Math.abs(e))));
                        }
                    }
                });
    }
}
