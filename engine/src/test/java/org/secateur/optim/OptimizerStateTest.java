package org.secateur.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.secateur.nn.Parameter;
import org.secateur.tensor.DType;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

/** What every optimizer shares: skipping, state inspection and reset, the finiteness guard, no allocation. */
class OptimizerStateTest {

    @Test
    void parametersWithoutGradientsAreSkipped() {
        Parameter a = Params.of(1.0);
        Parameter b = Params.of(2.0);
        SGD sgd = new SGD(List.of(a, b), 0.1, 0.9, 0.1);
        Params.setGrad(a, 1);
        sgd.step();
        assertThat(b.data().item()).isEqualTo(2.0);
        assertThat(sgd.stepCount(b)).isZero();
        assertThat(sgd.state(b, "momentum_buffer")).isNull();
        assertThat(sgd.stepCount(a)).isEqualTo(1);
    }

    @Test
    void resetStateForgetsEverythingOrZeroesChosenEntries() {
        Parameter p = Params.of(0.0, 0.0);
        SGD sgd = new SGD(List.of(p), 1, 0.5, 0);
        Params.setGrad(p, 1, 1);
        sgd.step();
        sgd.step();  // buffer 1.5 at both entries
        sgd.resetState(p, Tensor.vector(1.0, 0.0));
        assertThat(sgd.state(p, "momentum_buffer").toDoubleArray()).containsExactly(0, 1.5);
        assertThat(sgd.stepCount(p)).isEqualTo(2);
        sgd.step();  // entry 0 restarts from zero momentum: 0.5 * 0 + 1
        assertThat(sgd.state(p, "momentum_buffer").toDoubleArray()).containsExactly(1, 1.75);
        sgd.resetState(p);
        assertThat(sgd.state(p, "momentum_buffer")).isNull();
        assertThat(sgd.stepCount(p)).isZero();
        Params.setGrad(p, 3, 3);
        sgd.step();  // a first step again: buffer = gradient
        assertThat(sgd.state(p, "momentum_buffer").toDoubleArray()).containsExactly(3, 3);
    }

    @Test
    void stateQueriesNameWhatIsWrong() {
        Parameter p = Params.of(1.0);
        Adam adam = new Adam(List.of(p), 0.1);
        assertThat(adam.stateNames()).containsExactly("exp_avg", "exp_avg_sq");
        assertThatThrownBy(() -> adam.state(p, "momentum_buffer")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("momentum_buffer").hasMessageContaining("exp_avg");
        assertThatThrownBy(() -> adam.resetState(Params.of(1.0))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not one of this optimizer's 1 parameters");
        assertThatThrownBy(() -> new SGD(List.of(p, Params.of(2.0), p), 0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positions 0 and 2");
    }

    @Test
    void nonFiniteGradientsStopTheStepBeforeAnythingChanges() {
        Parameter a = Params.of(1.0, 2.0);
        Parameter b = Params.of(DType.F32, 3.0, 4.0, 5.0);
        SGD sgd = new SGD(List.of(a, b), 0.1, 0.9, 0);
        Params.setGrad(a, 1, 1);
        Params.setGrad(b, 1, Double.NaN, 1);
        assertThatThrownBy(sgd::step).isInstanceOf(ArithmeticException.class)
                .hasMessageContaining("parameter 1 of 2").hasMessageContaining("[3]").hasMessageContaining("NaN")
                .hasMessageContaining("flat index 1");
        assertThat(a.data().toDoubleArray()).containsExactly(1, 2);
        assertThat(sgd.stepCount(a)).isZero();
        Params.setGrad(b, 1, Double.POSITIVE_INFINITY, 1);
        assertThatThrownBy(sgd::step).hasMessageContaining("Infinity");
        sgd.checkFinite(false).step();
        assertThat(b.data().get(1)).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void stateFollowsAParameterThatChangesDtype() {
        Parameter p = Params.of(DType.F32, 1.0, 2.0);
        Adam adam = new Adam(List.of(p), 0.1);
        Params.setGrad(p, 1, 1);
        adam.step();
        p.to(DType.F64);
        Params.setGrad(p, 1, 1);
        adam.step();
        assertThat(adam.state(p, "exp_avg").dtype()).isEqualTo(DType.F64);
        assertThat(adam.state(p, "exp_avg").toDoubleArray()).containsExactly(new double[] {0.19, 0.19}, within(1e-7));
    }

    @Test
    void stepsAllocateNothingAfterTheFirst() {
        Parameter p = new Parameter(Generators.normal(1, DType.F32, 5000));
        Parameter q = new Parameter(Generators.normal(2, DType.F32, 300));
        q.setMask(Tensor.ones(DType.F32, 300));
        p.data().setGrad(Generators.normal(3, DType.F32, 5000));
        q.data().setGrad(Generators.normal(4, DType.F32, 300));
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (Optimizer opt : List.of(new SGD(List.of(p, q), 1e-3, 0.9, 0, 1e-4, true), new AdamW(List.of(p, q), 1e-3))) {
            for (int t = 0; t < 20_000; t++) {
                // the first allocates the state; the rest let the VM settle: one-off allocations, and the vector
                // kernels compiled by C2 (before that, interpreted Vector API code allocates its vectors)
                opt.step();
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int t = 0; t < 100; t++) {
                opt.step();
            }
            // Under 16 bytes per step on average: not even one object per step (the state alone is 21 KB).
            assertThat(threads.getCurrentThreadAllocatedBytes() - before).as("bytes allocated by 100 steps of %s", opt)
                    .isLessThan(100 * 16);
        }
    }
}
