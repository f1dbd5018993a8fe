package org.secateur.experiments;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.secateur.autograd.GradMode;
import org.secateur.datasets.DataLoader;
import org.secateur.datasets.ImageDataset;
import org.secateur.datasets.LabelledBatch;
import org.secateur.datasets.Normalization;
import org.secateur.nn.Module;
import org.secateur.optim.LrSchedule;
import org.secateur.optim.LrScheduler;
import org.secateur.optim.SGD;
import org.secateur.sparsity.Minibatch;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/** What the pruning experiments share: copies of a model's state, retraining, scoring batches, formatting. */
final class PruningKit {
    private PruningKit() {}

    /** SGD momentum and weight decay of every (re)training run, as the dense recipe. */
    static final double MOMENTUM = 0.9;
    static final double WEIGHT_DECAY = 5e-4;

    /** A deep copy of {@code model}'s state dict (values, masks, buffers), to return to later. */
    static Map<String, Tensor> snapshot(Module model) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (var off = GradMode.noGrad()) {
            model.stateDict().forEach((name, t) -> out.put(name, t.detach().copy()));
        }
        return out;
    }

    /** Puts {@code model} back into a {@link #snapshot}: its values, and its masks or none. */
    static void restore(Module model, Map<String, Tensor> snapshot) {
        model.loadStateDict(snapshot, true);
    }

    /**
     * Trains {@code model} (keeping its masks) for {@code epochs} epochs with SGD (momentum 0.9, weight decay 5e-4),
     * the learning rate annealed from {@code lr} to 0 by a cosine over these epochs; a fresh optimizer, so no
     * momentum carries over from earlier training. Epochs are numbered from {@code firstEpoch} for the loader's
     * shuffling.
     */
    static void retrain(RunContext ctx, Module model, DataLoader<LabelledBatch> loader, int epochs, double lr,
                        int firstEpoch, String label) {
        if (epochs == 0) {
            return;
        }
        SGD sgd = new SGD(model.parameters(), lr, MOMENTUM, WEIGHT_DECAY);
        LrScheduler schedule = new LrScheduler(sgd, new LrSchedule.Cosine(lr, epochs, 0));
        for (int e = 0; e < epochs; e++) {
            Training.EpochStats s = Training.trainEpoch(ctx, model, loader, firstEpoch + e, sgd);
            schedule.step();
            ctx.log("  %s: %s", label, s);
        }
    }

    /**
     * {@code count} batches of {@code size} training images, drawn without replacement from {@code rng}: the data
     * that data-driven criteria score with.
     */
    static List<Minibatch> scoringBatches(ImageDataset train, Normalization norm, int count, int size, Rng rng) {
        if ((long) count * size > train.size()) {
            throw new IllegalArgumentException(count + " batches of " + size + " from " + train.size() + " images");
        }
        int[] order = rng.permutation(train.size());
        var source = train.batches(norm);
        List<Minibatch> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            int[] idx = Arrays.copyOfRange(order, b * size, (b + 1) * size);
            LabelledBatch batch = source.batch(idx, DType.F32, rng.split());
            out.add(new Minibatch(batch.inputs(), batch.labels()));
        }
        return out;
    }

    /** {@code 0.9012} as {@code 90.12%}. */
    static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
    }

    /** {@code 0.9012} as {@code 90.1%}. */
    static String pct1(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }

    /** A signed difference of fractions in percentage points: {@code +1.23 pp}. */
    static String pp(double difference) {
        return String.format(Locale.ROOT, "%+.2f pp", 100 * difference);
    }

    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
