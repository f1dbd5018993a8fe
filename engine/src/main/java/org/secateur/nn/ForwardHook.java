package org.secateur.nn;

import org.secateur.tensor.Tensor;

/**
 * Called after a module's forward with its input and output; returns the output to pass on (usually the same
 * one). Recording layer inputs (ExactOBS, Wanda), activations and their gradients (Taylor; call
 * {@code output.retainGrad()}), or thresholding activations (CATS) all work through hooks, with no change to
 * layer code.
 */
@FunctionalInterface
public interface ForwardHook {
    Tensor apply(Module module, Tensor input, Tensor output);

    /** A hook that only observes. */
    static ForwardHook observer(Observer o) {
        return (module, input, output) -> {
            o.observe(module, input, output);
            return output;
        };
    }

    /** The body of an observing hook. */
    @FunctionalInterface
    interface Observer {
        void observe(Module module, Tensor input, Tensor output);
    }

    /** Removes a registered hook. */
    @FunctionalInterface
    interface Handle extends AutoCloseable {
        void remove();

        @Override
        default void close() {
            remove();
        }
    }
}
