package org.secateur.experiments;

import java.util.Locale;
import org.secateur.autograd.GradMode;
import org.secateur.datasets.DataLoader;
import org.secateur.datasets.Epoch;
import org.secateur.datasets.LabelledBatch;
import org.secateur.nn.Losses;
import org.secateur.nn.Module;
import org.secateur.optim.Optimizer;
import org.secateur.tensor.Tensor;

/** The supervised training and evaluation loops the experiments share. */
public final class Training {
    private Training() {}

    /** One epoch's training figures. */
    public record EpochStats(int epoch, double loss, double accuracy, double seconds, double imagesPerSecond) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "epoch %d: loss %.4f, train accuracy %.2f%%, %.1f s (%.0f images/s)",
                    epoch, loss, 100 * accuracy, seconds, imagesPerSecond);
        }
    }

    /** Accuracy and mean loss over a dataset, and the inference throughput. */
    public record Evaluation(double accuracy, double loss, int examples, double imagesPerSecond) {}

    /**
     * One epoch of minibatch training with cross-entropy. A non-finite loss stops training with an error naming
     * the epoch and the batch, rather than letting NaN spread through the weights.
     */
    public static EpochStats trainEpoch(RunContext ctx, Module model, DataLoader<LabelledBatch> loader, int epoch,
                                        Optimizer optimizer) {
        model.train(true);
        long t0 = System.nanoTime();
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        int batchIndex = 0;
        try (Epoch<LabelledBatch> batches = loader.epoch(epoch);
             Progress progress = ctx.progress("epoch " + epoch, batches.batches(), "batches")) {
            for (LabelledBatch b : batches) {
                optimizer.zeroGrad();
                Tensor logits = model.apply(b.inputs());
                Tensor loss = Losses.crossEntropy(logits, b.labels());
                double l = loss.item();
                if (!Double.isFinite(l)) {
                    throw new ArithmeticException("training diverged: loss " + l + " at epoch " + epoch + ", batch "
                            + batchIndex + " (lower the learning rate?)");
                }
                loss.backward();
                optimizer.step();
                int n = b.labels().length;
                lossSum += l * n;
                correct += countCorrect(logits, b.labels());
                seen += n;
                batchIndex++;
                progress.step(1);
                if (batchIndex % 20 == 0) {
                    progress.status(String.format(Locale.ROOT, "loss %.4f", lossSum / seen));
                }
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        return new EpochStats(epoch, lossSum / seen, (double) correct / seen, s, seen / s);
    }

    /** Accuracy and mean cross-entropy in evaluation mode, without recording a graph. */
    public static Evaluation evaluate(Module model, DataLoader<LabelledBatch> loader) {
        model.train(false);
        long t0 = System.nanoTime();
        double lossSum = 0;
        long correct = 0;
        int seen = 0;
        try (var off = GradMode.noGrad(); Epoch<LabelledBatch> batches = loader.epoch(0)) {
            for (LabelledBatch b : batches) {
                Tensor logits = model.apply(b.inputs());
                lossSum += Losses.crossEntropy(logits, b.labels()).item() * b.labels().length;
                correct += countCorrect(logits, b.labels());
                seen += b.labels().length;
            }
        } finally {
            model.train(true);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        return new Evaluation((double) correct / seen, lossSum / seen, seen, seen / s);
    }

    /** How many rows of {@code logits} have their maximum at the label. */
    public static int countCorrect(Tensor logits, int[] labels) {
        int[] pred = logits.argmax(1);
        int c = 0;
        for (int i = 0; i < labels.length; i++) {
            c += pred[i] == labels[i] ? 1 : 0;
        }
        return c;
    }
}
