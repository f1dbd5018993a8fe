package org.secateur.sparsity;

import java.util.Iterator;
import java.util.function.Function;
import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;

/**
 * Inputs and class labels of a mini-batch: what data-driven criteria and the training loop consume. Any source of
 * batches adapts in one line: {@code Minibatch.from(loader.epoch(e), b -> new Minibatch(b.inputs(), b.labels()))}.
 *
 * @param inputs {@code [batch, ...]}
 * @param labels the class of each row
 */
public record Minibatch(Tensor inputs, int[] labels) {
    public Minibatch {
        if (inputs.rank() == 0 || inputs.size(0) != labels.length) {
            throw new IllegalArgumentException(labels.length + " labels for inputs of shape " + Shape.str(inputs.shape()));
        }
    }

    /** {@code batches} seen as minibatches, converted one by one as they are iterated. */
    public static <T> Iterable<Minibatch> from(Iterable<T> batches, Function<? super T, Minibatch> convert) {
        return () -> {
            Iterator<T> it = batches.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Minibatch next() {
                    return convert.apply(it.next());
                }
            };
        };
    }
}
