package org.secateur.sparsity.secondorder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.secateur.autograd.GradMode;
import org.secateur.nn.Conv2d;
import org.secateur.nn.ForwardHook;
import org.secateur.nn.Linear;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.tensor.Tensor;

/**
 * Layer-by-layer post-training compression with calibration data (OBC, Frantar, Singh &amp; Alistarh 2022, §3;
 * SparseGPT's and GPTQ's sequential mode): for each Linear and Conv2d layer in order, run the calibration inputs
 * through the model, record the layer's inputs with a forward hook into its {@link LayerHessian}, solve the
 * {@link LayerProblem} with a {@link LayerCompressor}, write the weights (and mask) into the layer, and report.
 * Sequentially, each layer sees the outputs of the layers already compressed before it; {@link #independent()}
 * instead takes every Hessian from the model as it was, in one pass (OBC's default).
 *
 * <pre>{@code
 * List<Tensor> calibration = ...;                      // 1,024 training inputs, in batches
 * List<LayerReport> reports = LayerWise.of(model).skip("4.weight")
 *         .onLayer(r -> System.out.printf("%s %.4g%n", r.name(), r.error()))
 *         .compress(calibration, ExactObs.of(LayerTarget.perLayer(0.75)));
 * }</pre>
 *
 * @param layers     the layers' weight names ({@code 0.weight}) in module order
 * @param sequential whether each layer's Hessian comes from the model with the earlier layers compressed
 * @param listener   called after each layer, with the model already updated
 */
public record LayerWise(Module model, List<String> layers, boolean sequential, Consumer<LayerReport> listener) {

    public LayerWise {
        layers = List.copyOf(layers);
        Map<String, Module> known = layerModules(model);
        for (String name : layers) {
            if (!known.containsKey(name)) {
                throw new IllegalArgumentException(name + " is not the weight of a Linear or ungrouped Conv2d layer of "
                        + "the model; its layers are " + known.keySet());
            }
        }
    }

    /** Every Linear and ungrouped Conv2d layer of {@code model}, sequentially, without a listener. */
    public static LayerWise of(Module model) {
        return new LayerWise(model, List.copyOf(layerModules(model).keySet()), true, r -> {});
    }

    /** Without the layers whose weights are named (for example the output layer). */
    public LayerWise skip(String... weightNames) {
        List<String> kept = new ArrayList<>(layers);
        for (String name : weightNames) {
            if (!kept.remove(name)) {
                throw new IllegalArgumentException("cannot skip " + name + ": not among the layers " + layers);
            }
        }
        return new LayerWise(model, kept, sequential, listener);
    }

    /** Every Hessian from the uncompressed model, in one pass over the calibration data. */
    public LayerWise independent() {
        return new LayerWise(model, layers, false, listener);
    }

    /** Calls {@code l} after each layer is compressed and written. */
    public LayerWise onLayer(Consumer<LayerReport> l) {
        return new LayerWise(model, layers, sequential, l);
    }

    /** Compresses every layer with {@code compressor}; {@code calibration} is gone over once per layer. */
    public List<LayerReport> compress(Iterable<Tensor> calibration, LayerCompressor compressor) {
        return compressEach(calibration, name -> compressor);
    }

    /** Compresses each layer with the compressor {@code perLayer} gives its weight name. */
    public List<LayerReport> compressEach(Iterable<Tensor> calibration, Function<String, LayerCompressor> perLayer) {
        Map<String, LayerHessian> all = sequential ? Map.of() : hessians(calibration, layers);
        List<LayerReport> reports = new ArrayList<>();
        for (String name : layers) {
            LayerHessian h = sequential ? hessians(calibration, List.of(name)).get(name) : all.get(name);
            Parameter weight = weightOf(layerModules(model).get(name));
            LayerProblem problem = LayerProblem.of(name, weight, h);
            long start = System.nanoTime();
            LayerSolution solution = perLayer.apply(name).compress(problem);
            double seconds = (System.nanoTime() - start) * 1e-9;
            write(weight, problem, solution);
            LayerReport report = new LayerReport(name, problem.rows(), problem.cols(), solution,
                    problem.rowErrors(solution.weights()), seconds);
            reports.add(report);
            listener.accept(report);
        }
        return reports;
    }

    /** The Hessians of the named layers from one pass of {@code calibration} through the model as it is. */
    public Map<String, LayerHessian> hessians(Iterable<Tensor> calibration, List<String> names) {
        Map<String, Module> modules = layerModules(model);
        Map<String, LayerHessian> out = new LinkedHashMap<>();
        List<ForwardHook.Handle> handles = new ArrayList<>();
        try {
            for (String name : names) {
                Module layer = modules.get(name);
                if (layer == null) {
                    throw new IllegalArgumentException(name + " is not the weight of a Linear or ungrouped Conv2d "
                            + "layer of the model; its layers are " + modules.keySet());
                }
                LayerHessian h = LayerHessian.of(layer);
                out.put(name, h);
                handles.add(layer.addForwardHook(ForwardHook.observer((m, in, o) -> h.add(in))));
            }
            try (var off = GradMode.noGrad()) {
                for (Tensor batch : calibration) {
                    model.apply(batch);
                }
            }
        } finally {
            handles.forEach(ForwardHook.Handle::remove);
        }
        return out;
    }

    /** Writes the solution's weights, and its mask when it prunes anything or the weight had one. */
    private static void write(Parameter weight, LayerProblem problem, LayerSolution solution) {
        if (solution.weights().length != problem.w().length || solution.alive().length != problem.alive().length) {
            throw new IllegalStateException("a solution of " + solution.weights().length + " weights for " + problem.name()
                    + " of shape " + Arrays.toString(problem.shape()));
        }
        weight.setData(Tensor.of(solution.weights().clone(), problem.shape()));
        if (weight.isMasked() || solution.pruned() > 0) {
            double[] mask = new double[solution.alive().length];
            for (int e = 0; e < mask.length; e++) {
                if (solution.alive()[e] && !problem.alive()[e]) {
                    throw new IllegalStateException(problem.name() + ": a solution revives pruned weight " + e);
                }
                mask[e] = solution.alive()[e] ? 1 : 0;
            }
            weight.setMask(Tensor.of(mask, problem.shape()));
        }
    }

    /** The Linear and ungrouped Conv2d layers of {@code model}, by weight name, in module order. */
    private static Map<String, Module> layerModules(Module model) {
        Map<String, Module> out = new LinkedHashMap<>();
        model.namedModules().forEach((path, m) -> {
            if (m instanceof Linear || m instanceof Conv2d c && c.groups == 1) {
                out.put(path.isEmpty() ? "weight" : path + ".weight", m);
            }
        });
        return out;
    }

    private static Parameter weightOf(Module m) {
        return m instanceof Linear l ? l.weight : ((Conv2d) m).weight;
    }
}
