package org.secateur.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

/** Batch norm's training and evaluation behaviour and its running statistics, against hand computation. */
class BatchNormTest {
    private static final DType D = DType.F64;

    @Test
    void twoSamplesNormaliseToPlusMinusOne() {
        BatchNorm bn = BatchNorm.batchNorm1d(1);
        bn.to(D);
        Tensor y = bn.apply(Tensor.of(new double[] {1, 3}, 2, 1));
        // mean 2, biased variance 1
        double s = 1 / Math.sqrt(1 + 1e-5);
        assertThat(y.toDoubleArray()).containsExactly(new double[] {-s, s}, within(1e-12));
        // running: 0.9 * 0 + 0.1 * 2, and 0.9 * 1 + 0.1 * 2 (the unbiased variance of {1, 3})
        assertThat(bn.runningMean().item()).isCloseTo(0.2, within(1e-12));
        assertThat(bn.runningVar().item()).isCloseTo(1.1, within(1e-12));
        assertThat(bn.numBatchesTracked()).isEqualTo(1);
    }

    @Test
    void trainingUsesBatchStatisticsAndUpdatesRunningOnesPerChannel() {
        BatchNorm bn = BatchNorm.batchNorm2d(3);
        bn.to(D);
        bn.weight.data().copyFromInPlace(Tensor.vector(2.0, -1.0, 0.5));
        bn.bias.data().copyFromInPlace(Tensor.vector(0.1, 0.2, 0.3));
        Tensor x = Generators.normal(5, D, 4, 3, 2, 5).mul(3).add(1);
        Tensor y = bn.apply(x);
        double[] mean = new double[3];
        double[] var = new double[3];
        int count = 4 * 2 * 5;
        for (int pass = 0; pass < 2; pass++) {
            for (int n = 0; n < 4; n++) {
                for (int c = 0; c < 3; c++) {
                    for (int i = 0; i < 10; i++) {
                        double v = x.get(n, c, i / 5, i % 5);
                        if (pass == 0) {
                            mean[c] += v / count;
                        } else {
                            var[c] += (v - mean[c]) * (v - mean[c]) / count;
                        }
                    }
                }
            }
        }
        for (int n = 0; n < 4; n++) {
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < 10; i++) {
                    double expected = (x.get(n, c, i / 5, i % 5) - mean[c]) / Math.sqrt(var[c] + 1e-5)
                            * bn.weight.data().get(c) + bn.bias.data().get(c);
                    assertThat(y.get(n, c, i / 5, i % 5)).isCloseTo(expected, within(1e-12));
                }
            }
        }
        for (int c = 0; c < 3; c++) {
            assertThat(bn.runningMean().get(c)).isCloseTo(0.1 * mean[c], within(1e-12));
            assertThat(bn.runningVar().get(c)).isCloseTo(0.9 + 0.1 * var[c] * count / (count - 1), within(1e-12));
        }
    }

    @Test
    void evaluationUsesTheRunningStatisticsAndLeavesThemAlone() {
        BatchNorm bn = BatchNorm.batchNorm1d(2);
        bn.to(D);
        for (int i = 0; i < 3; i++) {
            bn.apply(Generators.normal(i, D, 8, 2, 3).add(2));
        }
        assertThat(bn.numBatchesTracked()).isEqualTo(3);
        bn.eval();
        Tensor mean = bn.runningMean().copy();
        Tensor var = bn.runningVar().copy();
        Tensor x = Generators.normal(9, D, 1, 2, 3);  // a single sample is fine in evaluation
        Tensor y = bn.apply(x);
        for (int c = 0; c < 2; c++) {
            for (int l = 0; l < 3; l++) {
                assertThat(y.get(0, c, l)).isCloseTo((x.get(0, c, l) - mean.get(c)) / Math.sqrt(var.get(c) + 1e-5),
                        within(1e-12));
            }
        }
        assertThat(bn.runningMean().contentEquals(mean)).isTrue();
        assertThat(bn.runningVar().contentEquals(var)).isTrue();
        assertThat(bn.numBatchesTracked()).isEqualTo(3);
    }

    @Test
    void stateDictUsesPyTorchNames() {
        Sequential net = new Sequential(new Linear(3, 4, new Rng(1)), BatchNorm.batchNorm1d(4));
        assertThat(net.stateDict().keySet()).containsExactly("0.weight", "0.bias", "1.weight", "1.bias",
                "1.running_mean", "1.running_var", "1.num_batches_tracked");
    }

    @Test
    void rejectsWrongShapesAndSingleValuesPerChannelInTraining() {
        BatchNorm bn1 = BatchNorm.batchNorm1d(3);
        assertThatThrownBy(() -> bn1.apply(Tensor.zeros(DType.F32, 2, 3, 4, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[N, 3, L]")
                .hasMessageContaining("[2, 3, 4, 4]");
        assertThatThrownBy(() -> BatchNorm.batchNorm2d(3).apply(Tensor.zeros(DType.F32, 2, 4, 4, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[N, 3, H, W]")
                .hasMessageContaining("[2, 4, 4, 4]");
        assertThatThrownBy(() -> bn1.apply(Tensor.zeros(DType.F32, 1, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than 1 value per channel");
        assertThatThrownBy(() -> bn1.apply(Tensor.zeros(DType.F64, 2, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("F32").hasMessageContaining("F64");
    }

    @Test
    void float32AgreesWithFloat64() {
        BatchNorm a = BatchNorm.batchNorm2d(2);
        BatchNorm b = BatchNorm.batchNorm2d(2);
        b.to(D);
        Tensor x = Generators.normal(3, D, 3, 2, 4, 4);
        double[] ya = a.apply(x.to(DType.F32)).toDoubleArray();
        double[] yb = b.apply(x).toDoubleArray();
        assertThat(ya).containsExactly(yb, within(1e-5));
        assertThat(a.runningVar().toDoubleArray()).containsExactly(b.runningVar().toDoubleArray(), within(1e-6));
    }
}
