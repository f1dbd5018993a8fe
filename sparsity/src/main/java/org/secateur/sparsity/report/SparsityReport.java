package org.secateur.sparsity.report;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.secateur.autograd.GradMode;
import org.secateur.nn.ForwardHook;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.sparsity.Pruning;
import org.secateur.tensor.Tensor;

/**
 * Zeros, non-zeros and FLOPs of every Linear and Conv2d weight of a model, and their totals: what is left after
 * pruning. A layer's FLOPs are {@code 2 * non-zero weights * output positions}, the positions (1 for a Linear layer
 * on vectors, {@code H_out * W_out} for a convolution) recorded by forward hooks on one sample input.
 */
public record SparsityReport(List<LayerSparsity> layers) {
    public SparsityReport {
        layers = List.copyOf(layers);
    }

    /** The report of {@code model} for inputs of shape {@code inputShape} without the batch dimension. */
    public static SparsityReport of(Module model, int... inputShape) {
        Map<String, Parameter> weights = Pruning.prunableWeights(model);
        Map<String, Module> modules = model.namedModules();
        Map<Parameter, long[]> positions = new IdentityHashMap<>();
        List<ForwardHook.Handle> hooks = new ArrayList<>();
        boolean training = model.isTraining();
        try (var off = GradMode.noGrad()) {
            for (Map.Entry<String, Parameter> e : weights.entrySet()) {
                Parameter w = e.getValue();
                long[] count = new long[1];
                positions.put(w, count);
                // "features.0.weight" belongs to the layer "features.0"
                Module layer = modules.get(e.getKey().substring(0, Math.max(0, e.getKey().lastIndexOf('.'))));
                hooks.add(layer.addForwardHook(ForwardHook.observer(
                        (m, in, out) -> count[0] += out.numel() / ((long) out.size(0) * w.shape()[0]))));
            }
            int[] shape = new int[inputShape.length + 1];
            shape[0] = 1;
            System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
            model.eval();
            model.apply(Tensor.zeros(model.dtype(), shape));
        } finally {
            hooks.forEach(ForwardHook.Handle::remove);
            model.train(training);
        }
        List<LayerSparsity> layers = new ArrayList<>();
        weights.forEach((name, w) -> {
            long zeros = zeros(w);
            long at = positions.get(w)[0];
            layers.add(new LayerSparsity(name, w.numel(), zeros, 2 * w.numel() * at, 2 * (w.numel() - zeros) * at));
        });
        return new SparsityReport(layers);
    }

    private static long zeros(Parameter w) {
        Tensor v;
        try (var off = GradMode.noGrad()) {
            v = w.value();
        }
        long zeros = 0;
        for (int i = 0, n = v.numel(); i < n; i++) {
            zeros += v.getFlat(i) == 0 ? 1 : 0;
        }
        return zeros;
    }

    public long numel() {
        return layers.stream().mapToLong(LayerSparsity::numel).sum();
    }

    public long zeros() {
        return layers.stream().mapToLong(LayerSparsity::zeros).sum();
    }

    public long nonZeros() {
        return numel() - zeros();
    }

    /** Fraction of all weights that are zero. */
    public double sparsity() {
        return (double) zeros() / numel();
    }

    /** Weights per non-zero weight: Han et al.'s compression rate ("12x"). */
    public double compression() {
        return (double) numel() / nonZeros();
    }

    public long denseFlops() {
        return layers.stream().mapToLong(LayerSparsity::denseFlops).sum();
    }

    public long flops() {
        return layers.stream().mapToLong(LayerSparsity::flops).sum();
    }

    /** The layers with no weight left. */
    public List<String> collapsedLayers() {
        return layers.stream().filter(LayerSparsity::isCollapsed).map(LayerSparsity::name).toList();
    }

    /** The report as a Markdown table, one row per layer and a total. */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder("| layer | weights | non-zeros | sparsity | FLOPs dense | FLOPs left |\n")
                .append("|---|---:|---:|---:|---:|---:|\n");
        for (LayerSparsity l : layers) {
            row(sb, l.name(), l.numel(), l.nonZeros(), l.sparsity(), l.denseFlops(), l.flops());
        }
        row(sb, "**total**", numel(), nonZeros(), sparsity(), denseFlops(), flops());
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, long numel, long nonZeros, double sparsity, long dense,
                            long flops) {
        sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %.2f%% | %d | %d (%.1f%%) |%n", name, numel, nonZeros,
                100 * sparsity, dense, flops, dense == 0 ? 0 : 100.0 * flops / dense));
    }
}
