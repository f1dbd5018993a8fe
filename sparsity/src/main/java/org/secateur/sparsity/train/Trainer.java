package org.secateur.sparsity.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.secateur.nn.Module;
import org.secateur.optim.Optimizer;
import org.secateur.sparsity.Loss;
import org.secateur.sparsity.Minibatch;
import org.secateur.tensor.Tensor;

/**
 * A minibatch training loop for any model, optimizer and loss, with an optional penalty and callbacks; pruning
 * schedules plug in as a {@link ScheduledPruning} listener. Steps and epochs count on across calls to {@link #fit},
 * so a model can be trained, pruned and retrained by one trainer.
 *
 * <pre>{@code
 * Trainer trainer = new Trainer(model, new SGD(model.parameters(), 0.01, 0.9, 0), Losses::crossEntropy)
 *         .listen(new ScheduledPruning(model, weights, new Magnitude(), Pruner.global(0.9), Schedule.gradual(0, 100, 10)))
 *         .listen(TrainingListener.afterEachEpoch(e -> System.out.println(Evaluation.of(model, test, Losses::crossEntropy))));
 * trainer.fit(5, epoch -> batchesOf(epoch));
 * }</pre>
 */
public final class Trainer {
    private final Module model;
    private final Optimizer optimizer;
    private final Loss loss;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private Regularizer penalty;
    private long step;
    private int epoch;

    public Trainer(Module model, Optimizer optimizer, Loss loss) {
        this.model = model;
        this.optimizer = optimizer;
        this.loss = loss;
    }

    /** Adds {@code r} to the loss that is minimised (on top of any penalty already added). */
    public Trainer penalty(Regularizer r) {
        penalty = penalty == null ? r : penalty.plus(r);
        return this;
    }

    /** Adds a listener; listeners are called in the order they were added. */
    public Trainer listen(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Optimizer steps taken so far. */
    public long steps() {
        return step;
    }

    /** Epochs completed so far. */
    public int epochs() {
        return epoch;
    }

    /**
     * Trains for {@code epochs} epochs in training mode; {@code batches} gives the batches of an epoch from its
     * index (counted over the trainer's life, so that a data loader can shuffle each epoch afresh).
     *
     * @return what each of these epochs ended with
     * @throws ArithmeticException naming the epoch and batch if the loss is not finite
     */
    public List<TrainingListener.EpochEnd> fit(int epochs, IntFunction<? extends Iterable<Minibatch>> batches) {
        List<TrainingListener.EpochEnd> ends = new ArrayList<>();
        for (int e = 0; e < epochs; e++, epoch++) {
            model.train(true);
            long t0 = System.nanoTime();
            double lossSum = 0;
            int count = 0;
            for (Minibatch b : batches.apply(epoch)) {
                for (TrainingListener l : listeners) {
                    l.beforeStep(step, epoch);
                }
                optimizer.zeroGrad();
                Tensor batchLoss = loss.apply(model.apply(b.inputs()), b.labels());
                double value = batchLoss.item();
                if (!Double.isFinite(value)) {
                    throw new ArithmeticException("training diverged: loss " + value + " at epoch " + epoch + ", batch "
                            + count + " (step " + step + ")");
                }
                (penalty == null ? batchLoss : batchLoss.add(penalty.penalty())).backward();
                optimizer.step();
                step++;
                lossSum += value;
                count++;
                TrainingListener.StepEnd end = new TrainingListener.StepEnd(step, epoch, value);
                listeners.forEach(l -> l.afterStep(end));
            }
            TrainingListener.EpochEnd end = new TrainingListener.EpochEnd(epoch, step, lossSum / Math.max(1, count),
                    (System.nanoTime() - t0) / 1e9);
            ends.add(end);
            listeners.forEach(l -> l.afterEpoch(end));
        }
        return ends;
    }
}
