package org.secateur.nn;

import java.util.List;
import org.secateur.tensor.Tensor;

/**
 * Modules applied in order; children are named {@code 0, 1, 2, ...} as in PyTorch.
 *
 * <p>A ReLU followed by a max pooling, neither with a forward hook, runs as one layer
 * ({@link Functional#reluMaxPool2d}): same values and gradients, without the ReLU's full-size tensor, which in a
 * CNN is the largest activation and costs two memory-bound passes of its own (forward and backward).
 */
public final class Sequential extends Module {
    private final List<Module> layers;

    public Sequential(Module... layers) {
        this.layers = List.of(layers);
        for (int i = 0; i < layers.length; i++) {
            registerModule(Integer.toString(i), layers[i]);
        }
    }

    /** The layer at {@code index}. */
    public Module get(int index) {
        return layers.get(index);
    }

    public int size() {
        return layers.size();
    }

    @Override
    protected Tensor forward(Tensor x) {
        for (int i = 0; i < layers.size(); i++) {
            Tensor pooled = i + 1 < layers.size() ? reluThenPool(layers.get(i), layers.get(i + 1), x) : null;
            if (pooled != null) {
                x = pooled;
                i++;
            } else {
                x = layers.get(i).apply(x);
            }
        }
        return x;
    }

    /** {@code second(first(x))} in one pass if {@code first} is a ReLU and {@code second} a max pooling; else null. */
    private static Tensor reluThenPool(Module first, Module second, Tensor x) {
        if (first instanceof Activation a && a.isRelu() && second instanceof Pool2d p && !a.hasHooks()
                && !p.hasHooks()) {
            return p.afterRelu(x);
        }
        return null;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Sequential(\n");
        for (int i = 0; i < layers.size(); i++) {
            sb.append("  (").append(i).append("): ").append(layers.get(i).toString().replace("\n", "\n  ")).append('\n');
        }
        return sb.append(')').toString();
    }
}
