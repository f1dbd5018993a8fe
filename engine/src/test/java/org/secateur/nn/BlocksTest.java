package org.secateur.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

/** The composite layers: residual connection, ResNet basic block and gated MLP. */
class BlocksTest {
    private static final DType D = DType.F64;

    @Test
    void residualAddsTheBodyToItsInput() {
        Linear body = new Linear(3, 3, new Rng(1));
        Residual res = new Residual(body);
        Tensor x = Generators.normal(2, DType.F32, 4, 3);
        assertThat(res.apply(x).contentEquals(x.add(body.apply(x)))).isTrue();
        assertThat(res.stateDict().keySet()).containsExactly("body.weight", "body.bias");
        assertThatThrownBy(() -> new Residual(new Linear(3, 1, new Rng(2))).apply(x))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[4, 3]").hasMessageContaining("[4, 1]");
    }

    @Test
    void basicBlockProjectsTheShortcutOnlyWhenShapeChanges() {
        Rng rng = new Rng(3);
        BasicBlock same = new BasicBlock(4, 4, 1, rng);
        BasicBlock down = new BasicBlock(4, 8, 2, rng);
        assertThat(same.downsample).isNull();
        assertThat(down.downsample).isNotNull();
        Tensor x = Generators.normal(4, DType.F32, 2, 4, 8, 8);
        Tensor y = down.apply(x);
        assertThat(same.apply(x).shape()).containsExactly(2, 4, 8, 8);
        assertThat(y.shape()).containsExactly(2, 8, 4, 4);
        assertThat(java.util.Arrays.stream(y.toDoubleArray()).min().orElseThrow()).isGreaterThanOrEqualTo(0);
        assertThat(down.stateDict().keySet()).contains("conv1.weight", "bn1.weight", "bn1.running_mean", "conv2.weight",
                "bn2.num_batches_tracked", "downsample.0.weight", "downsample.1.running_var")
                .doesNotContain("conv1.bias");
    }

    @Test
    void basicBlockComputesReluOfResidualPlusShortcut() {
        Rng rng = new Rng(5);
        BasicBlock b = new BasicBlock(2, 2, 1, rng);
        b.to(D);
        Tensor x = Generators.normal(6, D, 2, 2, 5, 5);
        Tensor expected = b.bn2.apply(b.conv2.apply(b.bn1.apply(b.conv1.apply(x)).relu())).add(x).relu();
        assertThat(b.apply(x).toDoubleArray()).containsExactly(expected.toDoubleArray(), within(1e-12));
    }

    @Test
    void gatedMlpIsDownOfSiluGateTimesUp() {
        GatedMlp mlp = new GatedMlp(4, 6, new Rng(7));
        mlp.to(D);
        Tensor x = Generators.normal(8, D, 3, 4);
        Tensor g = x.matmul(mlp.gate.weight.data(), false, true);
        Tensor u = x.matmul(mlp.up.weight.data(), false, true);
        Tensor expected = g.mul(g.sigmoid()).mul(u).matmul(mlp.down.weight.data(), false, true);
        assertThat(mlp.apply(x).toDoubleArray()).containsExactly(expected.toDoubleArray(), within(1e-12));
        assertThat(mlp.stateDict().keySet()).containsExactly("gate.weight", "up.weight", "down.weight");
    }

    @Test
    void aHookOnTheActivationThresholdsItWithoutChangingTheLayer() {
        GatedMlp mlp = new GatedMlp(4, 16, new Rng(9));
        mlp.to(D);
        Tensor x = Generators.normal(10, D, 5, 4);
        double threshold = 0.1;
        // CATS: zero the SiLU outputs whose magnitude is below a threshold
        ForwardHook cats = (m, in, out) -> out.mul(out.detach().abs().gt(threshold));
        Tensor expected;
        try (var h = mlp.act.addForwardHook(cats)) {
            Tensor y = mlp.apply(x);
            Tensor a = Activation.silu(mlp.gate.apply(x));
            expected = a.mul(a.abs().gt(threshold)).mul(mlp.up.apply(x)).matmul(mlp.down.weight.data(), false, true);
            assertThat(y.toDoubleArray()).containsExactly(expected.toDoubleArray(), within(1e-12));
            assertThat(y.contentEquals(mlp.apply(x))).isTrue();
        }
        // removed: the dense output is back, and differs from the thresholded one
        assertThat(mlp.apply(x).contentEquals(expected)).isFalse();
    }
}
