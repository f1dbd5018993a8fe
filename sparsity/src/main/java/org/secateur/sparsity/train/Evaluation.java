package org.secateur.sparsity.train;

import org.secateur.autograd.GradMode;
import org.secateur.nn.Module;
import org.secateur.sparsity.Loss;
import org.secateur.sparsity.Minibatch;
import org.secateur.tensor.Tensor;

/**
 * Top-1 accuracy and mean loss of a classifier over some batches, in evaluation mode without recording a graph.
 *
 * @param loss the mean of the per-batch losses weighted by batch size
 */
public record Evaluation(double accuracy, double loss, int examples) {

    /** Evaluates {@code model} on {@code batches}, then restores its training mode. */
    public static Evaluation of(Module model, Iterable<Minibatch> batches, Loss loss) {
        boolean training = model.isTraining();
        model.eval();
        double lossSum = 0;
        long correct = 0;
        int seen = 0;
        try (var off = GradMode.noGrad()) {
            for (Minibatch b : batches) {
                Tensor out = model.apply(b.inputs());
                int n = b.labels().length;
                lossSum += loss.apply(out, b.labels()).item() * n;
                int[] predicted = out.argmax(1);
                for (int i = 0; i < n; i++) {
                    correct += predicted[i] == b.labels()[i] ? 1 : 0;
                }
                seen += n;
            }
        } finally {
            model.train(training);
        }
        if (seen == 0) {
            throw new IllegalArgumentException("no examples to evaluate");
        }
        return new Evaluation((double) correct / seen, lossSum / seen, seen);
    }
}
