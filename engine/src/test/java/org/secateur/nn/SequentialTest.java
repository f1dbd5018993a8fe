package org.secateur.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

/** {@link Sequential}'s one fusion: a ReLU followed by a max pooling runs as one layer, unless a hook looks. */
class SequentialTest {

    /** A small CNN with both pooling kernels (2 x 2 vector, 3 x 3 stride 2 padded generic) after ReLUs. */
    private static Sequential cnn(Rng r) {
        return new Sequential(
                new Conv2d(2, 4, 3, 1, 1, 1, 1, true, r),
                Activation.relu(),
                Pool2d.max(2),
                new Conv2d(4, 3, 3, 1, 1, 1, 1, true, r),
                Activation.relu(),
                Pool2d.max(3, 2, 1),
                new Flatten(),
                new Linear(3 * 3 * 3, 5, r));
    }

    /** The output and every parameter's gradient of a sum-of-squares loss, with the layers applied one by one. */
    private static List<Tensor> layerByLayer(Sequential m, Tensor x) {
        Tensor h = x;
        for (int i = 0; i < m.size(); i++) {
            h = m.get(i).apply(h);
        }
        return outputAndGradients(m, h);
    }

    private static List<Tensor> outputAndGradients(Sequential m, Tensor y) {
        m.parameters().forEach(p -> p.zeroGrad());
        y.square().sum().backward();
        List<Tensor> out = new ArrayList<>(List.of(y.detach()));
        m.parameters().forEach(p -> out.add(p.grad()));
        return out;
    }

    private static void assertSameNumbers(List<Tensor> actual, List<Tensor> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int t = 0; t < expected.size(); t++) {
            for (int i = 0; i < expected.get(t).numel(); i++) {
                // equal as numbers: the layer-by-layer ReLU gradient multiplies, so its zeros can be -0
                assertThat(actual.get(t).getFlat(i) == expected.get(t).getFlat(i))
                        .as("tensor %d element %d: %s vs %s", t, i, actual.get(t).getFlat(i),
                                expected.get(t).getFlat(i)).isTrue();
            }
        }
    }

    @Test
    void reluThenMaxPoolRunsFusedWithTheSameNumbersAsLayerByLayer() {
        qt().withExamples(20).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            Sequential m = cnn(r);
            DType d = r.nextInt(2) == 0 ? DType.F32 : DType.F64;
            m.to(d);
            Tensor x = Generators.normal(r.nextLong(), d, 1 + r.nextInt(20), 2, 12, 12);
            List<Tensor> fused = outputAndGradients(m, m.apply(x));
            assertSameNumbers(fused, layerByLayer(m, x));
        });
    }

    @Test
    void thePairIsOneOperationInTheGraph() {
        Sequential m = new Sequential(Activation.relu(), Pool2d.max(2));
        Tensor x = Generators.normal(3, DType.F32, 2, 3, 6, 6).requiresGrad(true);
        assertThat(m.apply(x).gradFn().name()).isEqualTo("reluMaxPool2d");
    }

    @Test
    void aHookOnTheReluSeesAndReplacesItsOutputAsWithoutFusion() {
        Rng r = new Rng(11);
        Sequential m = cnn(r);
        Tensor x = Generators.normal(12, DType.F32, 4, 2, 12, 12);
        List<Tensor> seen = new ArrayList<>();
        try (var handle = m.get(1).addForwardHook((module, in, out) -> {
            seen.add(out);
            return out.mul(2);
        })) {
            Tensor y = m.apply(x);
            assertThat(seen).hasSize(1);
            assertThat(seen.get(0).shape()).containsExactly(4, 4, 12, 12);
            assertThat(seen.get(0).contentEquals(m.get(0).apply(x).relu())).isTrue();
            Tensor h = m.get(2).apply(m.get(0).apply(x).relu().mul(2));
            for (int i = 3; i < m.size(); i++) {
                h = m.get(i).apply(h);
            }
            assertThat(y.contentEquals(h)).isTrue();
        }
    }

    @Test
    void aHookOnThePoolSeesTheReluOutputAsItsInput() {
        Rng r = new Rng(12);
        Sequential m = cnn(r);
        Tensor x = Generators.normal(13, DType.F32, 3, 2, 12, 12);
        List<Tensor> inputs = new ArrayList<>();
        try (var handle = m.get(2).addForwardHook(ForwardHook.observer((module, in, out) -> inputs.add(in)))) {
            m.apply(x);
        }
        assertThat(inputs).hasSize(1);
        assertThat(inputs.get(0).contentEquals(m.get(0).apply(x).relu())).isTrue();
    }
}
