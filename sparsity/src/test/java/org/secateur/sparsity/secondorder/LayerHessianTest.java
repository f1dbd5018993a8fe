package org.secateur.sparsity.secondorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;

import org.junit.jupiter.api.Test;
import org.secateur.autograd.GradMode;
import org.secateur.nn.Conv2d;
import org.secateur.nn.Functional;
import org.secateur.nn.Linear;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

/**
 * The layer Hessian is {@code 2 X X^T / N}; through it, the row errors of any new weights add up to the actual
 * reconstruction error {@code ||layer_W(x) - layer_W_hat(x)||^2 / N} of the layer's outputs, for Linear and for
 * Conv2d (whose unfolded patches must line up with the flattened filters).
 */
class LayerHessianTest {

    @Test
    void aLinearLayersHessianIsTwiceTheMeanOuterProductOfItsInputs() {
        Rng r = new Rng(1);
        Linear layer = new Linear(5, 3, r);
        Tensor x1 = Tensor.normal(r, 0, 1, DType.F64, 4, 5);
        Tensor x2 = Tensor.normal(r, 0, 1, DType.F64, 2, 3, 5);          // [B, T, in]: B = 2 samples of 3 rows
        LayerHessian h = LayerHessian.of(layer);
        h.add(x1);
        h.add(x2);
        assertThat(h.samples()).isEqualTo(6);
        double[] x = Tensor.concat(0, x1, x2.reshape(6, 5)).toDoubleArray();
        double[] actual = h.matrix();
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                double s = 0;
                for (int k = 0; k < 10; k++) {
                    s += x[k * 5 + i] * x[k * 5 + j];
                }
                assertThat(actual[i * 5 + j]).isCloseTo(2 * s / 6, within(1e-12));
            }
        }
    }

    @Test
    void rowErrorsAddUpToTheReconstructionErrorOfConvolutionOutputs() {
        qt().withExamples(15).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            int in = 1 + r.nextInt(3);
            int out = 1 + r.nextInt(4);
            int k = 1 + r.nextInt(3);
            Conv2d conv = new Conv2d(in, out, k, 1 + r.nextInt(2), r.nextInt(2), 1 + r.nextInt(2), 1, true, r.split());
            conv.to(DType.F64);
            int size = 6 + r.nextInt(3);
            Tensor[] batches = {Tensor.normal(r, 0, 1, DType.F64, 2, in, size, size),
                    Tensor.normal(r, 0, 1, DType.F64, 3, in, size, size)};
            LayerHessian h = LayerHessian.of(conv);
            for (Tensor b : batches) {
                h.add(b);
            }
            LayerProblem p = LayerProblem.of("w", conv.weight, h);
            Tensor wHat = Tensor.normal(r, 0, 1, DType.F64, conv.weight.shape());
            double expected = 0;
            try (var off = GradMode.noGrad()) {
                for (Tensor b : batches) {
                    Tensor y = Functional.conv2d(b, conv.weight.value(), null, conv.stride, conv.padding, conv.dilation, 1);
                    Tensor yHat = Functional.conv2d(b, wHat, null, conv.stride, conv.padding, conv.dilation, 1);
                    expected += y.sub(yHat).square().sum().item();
                }
            }
            expected /= 5;
            double actual = Layers.sum(p.rowErrors(wHat.toDoubleArray()));
            assertThat(actual).isCloseTo(expected, within(1e-9 * (1 + expected)));
        });
    }

    @Test
    void groupedConvolutionsAndWrongInputsAreRefusedWithTheirShapes() {
        Rng r = new Rng(2);
        assertThatThrownBy(() -> LayerHessian.of(new Conv2d(4, 4, 3, 1, 0, 1, 2, true, r)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ungrouped");
        LayerHessian h = LayerHessian.of(new Linear(3, 2, r));
        assertThatThrownBy(() -> h.add(Tensor.zeros(DType.F32, 2, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 4]");
        assertThatThrownBy(h::matrix).isInstanceOf(IllegalStateException.class);
    }
}
