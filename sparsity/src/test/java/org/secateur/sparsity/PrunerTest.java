package org.secateur.sparsity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secateur.autograd.GradMode;
import org.secateur.io.Checkpoints;
import org.secateur.nn.Models;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.nn.Sequential;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

/** Scopes, exact counts and deterministic ties, {@code remove}, checkpoints, and clear errors for impossible targets. */
class PrunerTest {

    @Test
    void globalPruningPrunesExactlyRoundSNOfAllWeightsAndTheLowestAcrossLayers() {
        qt().withExamples(100).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            Map<String, Parameter> params = new LinkedHashMap<>();
            Map<String, Tensor> scores = new LinkedHashMap<>();
            int total = 0;
            for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                int[] shape = {1 + r.nextInt(6), 1 + r.nextInt(9)};
                params.put("l" + i, Cases.parameter(r, shape));
                scores.put("l" + i, Cases.randomScores(r, shape));
                total += shape[0] * shape[1];
            }
            double s = r.nextDouble() * (total - 0.5) / total;
            Map<String, Tensor> masks = Pruner.global(s).computeMasks(params, new Scores.PerEntry(scores));
            int zeros = 0;
            double maxPruned = Double.NEGATIVE_INFINITY;
            double minKept = Double.POSITIVE_INFINITY;
            for (String name : params.keySet()) {
                for (int i = 0; i < masks.get(name).numel(); i++) {
                    double score = scores.get(name).getFlat(i);
                    if (masks.get(name).getFlat(i) == 0) {
                        zeros++;
                        maxPruned = Math.max(maxPruned, score);
                    } else {
                        minKept = Math.min(minKept, score);
                    }
                }
            }
            assertThat(zeros).isEqualTo((int) Math.rint(s * total));
            assertThat(maxPruned).isLessThanOrEqualTo(minKept);
        });
    }

    @Test
    void tiesArePrunedInParameterThenIndexOrder() {
        Map<String, Parameter> params = new LinkedHashMap<>();
        params.put("a", new Parameter(Tensor.zeros(DType.F32, 2, 3)));
        params.put("b", new Parameter(Tensor.zeros(DType.F32, 4)));
        Scores equal = new Scores.PerEntry(Map.of("a", Tensor.ones(DType.F32, 2, 3), "b", Tensor.ones(DType.F32, 4)));
        // round(0.75 * 10) = 8: all of a, then the first two of b
        Map<String, Tensor> masks = Pruner.global(0.75).computeMasks(params, equal);
        assertThat(masks.get("a").toDoubleArray()).containsOnly(0.0);
        assertThat(masks.get("b").toDoubleArray()).containsExactly(0, 0, 1, 1);
        // half to even, as Python's round in PyTorch: round(0.25 * 10) = round(2.5) = 2
        assertThat(Pruner.global(0.25).computeMasks(params, equal).get("a").toDoubleArray())
                .containsExactly(0, 0, 1, 1, 1, 1);
    }

    @Test
    void layerWiseTargetsApplyPerParameterAndUnnamedOnesAreLeftAlone() {
        Sequential model = Models.lenet300100(new Rng(1));
        Map<String, Parameter> weights = Pruning.prunableWeights(model);
        assertThat(weights.keySet()).containsExactly("1.weight", "3.weight", "5.weight");
        Map<String, Tensor> masks = Pruner.layerWise(Map.of("1.weight", 0.92, "3.weight", 0.91))
                .computeMasks(weights, magnitude(weights));
        assertThat(zeros(masks.get("1.weight"))).isEqualTo((int) Math.rint(0.92 * 784 * 300));
        assertThat(zeros(masks.get("3.weight"))).isEqualTo((int) Math.rint(0.91 * 300 * 100));
        assertThat(zeros(masks.get("5.weight"))).isZero();
        Map<String, Parameter> skipped = Pruning.prunableWeights(model, "5.weight");
        assertThat(skipped.keySet()).containsExactly("1.weight", "3.weight");
    }

    @Test
    void aTargetBelowTheCurrentSparsityChangesNothing() {
        Parameter p = new Parameter(Tensor.normal(new Rng(3), 0, 1, DType.F32, 10, 10));
        Tensor first = Pruning.l1Unstructured(p, 0.6);
        Tensor second = Pruning.l1Unstructured(p, 0.3);
        assertThat(second.contentEquals(first)).isTrue();
        assertThat(zeros(Pruning.l1Unstructured(p, 0.8))).isEqualTo(80);
    }

    @Test
    void removeGivesTheSameOutputsAsTheMaskedModel() {
        qt().withExamples(20).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            Module model = r.nextInt(2) == 0 ? Models.lenet5(r.split()) : Models.lenet300100(r.split());
            Map<String, Parameter> weights = Pruning.prunableWeights(model);
            Pruner.global(0.9 * r.nextDouble()).prune(weights, magnitude(weights));
            Pruning.randomUnstructured(model.parameters().get(1), 0.5, r.split());
            Tensor x = Tensor.normal(r.split(), 0, 1, DType.F32, 3, 1, 28, 28);
            Tensor masked = forward(model, x);
            Pruning.remove(model);
            assertThat(model.parameters()).noneMatch(Parameter::isMasked);
            assertThat(forward(model, x).contentEquals(masked)).isTrue();
        });
    }

    @Test
    void masksSurviveACheckpoint(@TempDir Path dir) throws IOException {
        Sequential model = Models.lenet300100(new Rng(5));
        Map<String, Parameter> weights = Pruning.prunableWeights(model);
        Pruner.global(0.9).prune(weights, magnitude(weights));
        Path file = dir.resolve("pruned.safetensors");
        Checkpoints.save(model, file, Map.of());

        Sequential loaded = Models.lenet300100(new Rng(6));
        Checkpoints.load(loaded, file, true);
        Map<String, Parameter> again = Pruning.prunableWeights(loaded);
        weights.forEach((name, p) -> {
            assertThat(again.get(name).mask().contentEquals(p.mask())).as(name).isTrue();
            assertThat(again.get(name).data().contentEquals(p.data())).as("%s keeps weight_orig", name).isTrue();
        });
        Tensor x = Tensor.normal(new Rng(7), 0, 1, DType.F32, 4, 784);
        assertThat(forward(loaded, x).contentEquals(forward(model, x))).isTrue();
    }

    @Test
    void structuredPruningOfAConvWeightZeroesWholeFiltersKernelsAndChannels() {
        Parameter w = new Parameter(Tensor.normal(new Rng(8), 0, 1, DType.F32, 16, 6, 5, 5));
        Tensor filters = Pruning.lnStructured(w, 0.25, Norm.L2, Granularity.filter());
        assertThat(zeros(filters)).isEqualTo(4 * 6 * 25);
        w.removeMask();
        Tensor channels = Pruning.lnStructured(w, 0.5, Norm.L1, Granularity.channel());
        assertThat(zeros(channels)).isEqualTo(3 * 16 * 25);
        w.removeMask();
        Tensor kernels = Pruning.lnStructured(w, 0.5, Norm.L1, Granularity.kernel());
        assertThat(zeros(kernels)).isEqualTo(48 * 25);
        assertThat(Granularity.kernel().admits(kernels)).isTrue();
        assertThat(Granularity.filter().admits(kernels)).isFalse();
    }

    @Test
    void customMasksAddToTheCurrentOne() {
        Parameter p = new Parameter(Tensor.ones(DType.F32, 4));
        Pruning.customFromMask(p, Tensor.vector(1f, 0f, 1f, 1f));
        Pruning.customFromMask(p, Tensor.vector(1f, 1f, 0f, 1f));
        assertThat(p.mask().toDoubleArray()).containsExactly(1, 0, 0, 1);
    }

    @Test
    void removingTheMasksRestoresTheDenseModel() {
        Sequential model = Models.lenet300100(new Rng(9));
        Tensor x = Tensor.normal(new Rng(10), 0, 1, DType.F32, 2, 784);
        Tensor dense = forward(model, x);
        Pruning.globalUnstructured(Pruning.prunableWeights(model), 0.9);
        assertThat(forward(model, x).contentEquals(dense)).isFalse();
        Pruning.removeMasks(model);
        assertThat(forward(model, x).contentEquals(dense)).isTrue();
    }

    @Test
    void impossibleTargetsAreRejectedNamingTheValue() {
        Map<String, Parameter> conv = Map.of("conv.weight", new Parameter(Tensor.ones(DType.F32, 6, 4, 3, 3)));
        Map<String, Parameter> linear = Map.of("fc.weight", new Parameter(Tensor.ones(DType.F32, 4, 6)));
        Scores convScores = new Scores.PerEntry(Map.of("conv.weight", Tensor.ones(DType.F32, 6, 4, 3, 3)));
        Scores linearScores = new Scores.PerEntry(Map.of("fc.weight", Tensor.ones(DType.F32, 4, 6)));

        assertThatThrownBy(() -> Pruner.global(1.0)).hasMessageContaining("1.0").hasMessageContaining("[0, 1)");
        assertThatThrownBy(() -> Pruner.global(-0.1)).hasMessageContaining("-0.1");
        assertThatThrownBy(() -> Pruner.layerWise(Double.NaN)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> Pruner.layerWise(Map.of("fc.weight", 1.5))).hasMessageContaining("fc.weight")
                .hasMessageContaining("1.5");
        assertThatThrownBy(() -> Pruner.layerWise(0.95).withGranularity(Granularity.filter())
                .computeMasks(conv, convScores))
                .hasMessageContaining("0.95").hasMessageContaining("all").hasMessageContaining("conv.weight");
        assertThatThrownBy(() -> Granularity.nm(3, 2)).hasMessageContaining("3:2");
        assertThatThrownBy(() -> Pruner.layerWise(0.5).withGranularity(Granularity.nm(2, 4))
                .computeMasks(linear, linearScores)).hasMessageContaining("fc.weight").hasMessageContaining("[4, 6]")
                .hasMessageContaining("divisible by 4");
        assertThatThrownBy(() -> Pruner.layerWise(0.9).withGranularity(Granularity.nm(2, 4)).computeMasks(conv, convScores))
                .hasMessageContaining("0.9").hasMessageContaining("2:4");
        assertThatThrownBy(() -> Pruner.layerWise(0.5).withGranularity(Granularity.block(4, 4))
                .computeMasks(linear, linearScores)).hasMessageContaining("block 4x4").hasMessageContaining("[4, 6]");
        assertThatThrownBy(() -> Pruner.layerWise(0.5).withGranularity(Granularity.kernel())
                .computeMasks(linear, linearScores)).hasMessageContaining("kernel").hasMessageContaining("[4, 6]");
        assertThatThrownBy(() -> Pruner.layerWise(Map.of("fc.wieght", 0.5)).computeMasks(linear, linearScores))
                .hasMessageContaining("fc.wieght");
        assertThatThrownBy(() -> Pruner.global(0.5).computeMasks(linear, convScores)).hasMessageContaining("no scores")
                .hasMessageContaining("fc.weight");
        assertThatThrownBy(() -> Pruner.global(0.5).computeMasks(linear,
                new Scores.PerGroup(Granularity.filter(), Map.of("fc.weight", new double[4]))))
                .hasMessageContaining("filters");
        assertThatThrownBy(() -> Pruning.prunableWeights(Models.lenet5(new Rng(1)), "7.wieght"))
                .hasMessageContaining("7.wieght");
        Scores nan = new Scores.PerEntry(Map.of("fc.weight", Tensor.full(Double.NaN, DType.F32, 4, 6)));
        assertThatThrownBy(() -> Pruner.global(0.5).computeMasks(linear, nan)).hasMessageContaining("NaN");
    }

    static Scores magnitude(Map<String, Parameter> params) {
        Map<String, Tensor> s = new LinkedHashMap<>();
        try (var off = GradMode.noGrad()) {
            params.forEach((name, p) -> s.put(name, p.value().abs()));
        }
        return new Scores.PerEntry(s);
    }

    static int zeros(Tensor t) {
        int z = 0;
        for (int i = 0; i < t.numel(); i++) {
            z += t.getFlat(i) == 0 ? 1 : 0;
        }
        return z;
    }

    private static Tensor forward(Module model, Tensor x) {
        try (var off = GradMode.noGrad()) {
            return model.apply(x);
        }
    }
}
