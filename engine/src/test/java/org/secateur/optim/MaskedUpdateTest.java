package org.secateur.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.TestFactory;
import org.secateur.nn.Linear;
import org.secateur.nn.Losses;
import org.secateur.nn.Parameter;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.tensor.kernels.Parallel;
import org.secateur.testing.Generators;
import org.secateur.testing.RestoresThreads;

/**
 * A pruned entry never changes under any optimizer, even with momentum, weight decay and non-zero gradients at
 * pruned positions; its effective weight stays exactly zero and its optimizer state stays zero.
 */
@ExtendWith(RestoresThreads.class)
class MaskedUpdateTest {

    record Config(String name, Function<List<Parameter>, Optimizer> make) {}

    static List<Config> configs() {
        return List.of(
                new Config("SGD momentum + weight decay", ps -> new SGD(ps, 0.05, 0.9, 0.5, 1e-2, false)),
                new Config("SGD Nesterov + weight decay", ps -> new SGD(ps, 0.05, 0.9, 0, 1e-2, true)),
                new Config("Adam + weight decay", ps -> new Adam(ps, 0.01, 0.9, 0.999, 1e-8, 1e-2)),
                new Config("AdamW", ps -> new AdamW(ps, 0.01, 0.9, 0.999, 1e-8, 0.1)));
    }

    @TestFactory
    Stream<DynamicTest> prunedEntriesAreFrozenAndKeptEntriesUpdateAsWithoutAMask() {
        return configs().stream().map(c -> DynamicTest.dynamicTest(c.name(), () ->
                qt().withExamples(8).forAll(Generators.seeds()).checkAssert(seed -> {
                    Rng r = new Rng(seed);
                    DType dtype = r.nextInt(2) == 0 ? DType.F32 : DType.F64;
                    int n = 1 + r.nextInt(1200);
                    Tensor mask = Tensor.zeros(dtype, n);
                    for (int i = 0; i < n; i++) {
                        mask.setFlat(i, r.nextInt(2));
                    }
                    Tensor initial = Generators.normal(r.nextLong(), dtype, n);
                    Parameter p = new Parameter(initial.copy());
                    // Every rule is elementwise, so an unmasked twin fed the same gradients shows what the kept
                    // entries must become.
                    Parameter twin = new Parameter(initial.copy());
                    Optimizer opt = c.make().apply(List.of(p));
                    Optimizer twinOpt = c.make().apply(List.of(twin));
                    // momentum first builds up at every entry, then the mask arrives (as after a pruning step);
                    // the gradients stay non-zero at pruned entries: the optimizer, not the gradient, must hold them
                    Tensor atPruning = null;
                    for (int t = 0; t < 21; t++) {
                        if (t == 1) {
                            atPruning = p.data().copy();
                            p.setMask(mask);
                        }
                        double[] g = Generators.normal(r.nextLong(), DType.F64, n).toDoubleArray();
                        Params.setGrad(p, g);
                        Params.setGrad(twin, g);
                        opt.step();
                        twinOpt.step();
                    }
                    Tensor value = p.value();
                    for (int i = 0; i < n; i++) {
                        if (mask.getFlat(i) == 0) {
                            assertThat(p.data().getFlat(i)).as("pruned value %d", i).isEqualTo(atPruning.getFlat(i));
                            assertThat(value.getFlat(i)).as("effective weight %d", i).isEqualTo(0.0);
                            for (String s : opt.stateNames()) {
                                assertThat(opt.state(p, s).getFlat(i)).as("%s at %d", s, i).isEqualTo(0.0);
                            }
                        } else {
                            assertThat(p.data().getFlat(i)).as("kept value %d", i).isEqualTo(twin.data().getFlat(i));
                        }
                    }
                    assertThat(twin.data().contentEquals(initial)).as("the twin moved").isFalse();
                })));
    }

    @Test
    void aMaskedLinearLayerTrainsWithoutRevivingPrunedWeights() {
        Linear layer = new Linear(8, 4, new Rng(1));
        Tensor mask = Tensor.zeros(DType.F32, 4, 8);
        for (int i = 0; i < mask.numel(); i += 3) {
            mask.setFlat(i, 1);
        }
        layer.weight.setMask(mask);
        Tensor dense = layer.weight.data().copy();
        Optimizer opt = new SGD(layer.parameters(), 0.1, 0.9, 5e-4);
        Tensor x = Generators.normal(2, DType.F32, 16, 8);
        Tensor y = Generators.normal(3, DType.F32, 16, 4);
        double first = 0;
        double last = 0;
        for (int t = 0; t < 30; t++) {
            opt.zeroGrad();
            Tensor loss = Losses.mse(layer.apply(x), y);
            loss.backward();
            opt.step();
            last = loss.item();
            first = t == 0 ? last : first;
        }
        assertThat(last).isLessThan(first);
        for (int i = 0; i < mask.numel(); i++) {
            if (mask.getFlat(i) == 0) {
                assertThat(layer.weight.data().getFlat(i)).isEqualTo(dense.getFlat(i));
                assertThat(layer.weight.value().getFlat(i)).isEqualTo(0.0);
            }
        }
    }

    /**
     * A parameter large enough to be split over threads (150k elements, masked, an odd tail chunk) gets the same bits
     * on one and on two threads, under every rule.
     */
    @TestFactory
    Stream<DynamicTest> aSplitUpdateGivesTheSameBitsOnOneAndTwoThreads() {
        return configs().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            for (DType dtype : DType.values()) {
                double[][] results = new double[2][];
                for (int t = 1; t <= 2; t++) {
                    Parallel.setThreads(t);
                    Rng r = new Rng(7);
                    int n = 150_001;
                    Parameter p = new Parameter(Generators.normal(r.nextLong(), dtype, n));
                    Tensor mask = Tensor.zeros(dtype, n);
                    for (int i = 0; i < n; i++) {
                        mask.setFlat(i, r.nextInt(4) == 0 ? 0 : 1);
                    }
                    p.setMask(mask);
                    Optimizer opt = c.make().apply(List.of(p));
                    for (int step = 0; step < 3; step++) {
                        p.data().setGrad(Generators.normal(r.nextLong(), dtype, n));
                        opt.step();
                    }
                    results[t - 1] = p.data().toDoubleArray();
                }
                assertThat(results[1]).as(dtype.toString()).containsExactly(results[0]);
            }
        }));
    }
}
