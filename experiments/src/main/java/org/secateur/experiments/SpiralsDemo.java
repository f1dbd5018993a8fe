package org.secateur.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.secateur.datasets.DataLoader;
import org.secateur.datasets.LabelledBatch;
import org.secateur.datasets.TabularDataset;
import org.secateur.datasets.ToySets;
import org.secateur.nn.Activation;
import org.secateur.nn.Models;
import org.secateur.nn.Sequential;
import org.secateur.optim.Adam;

/**
 * The engine end to end on a task a linear model cannot solve: an MLP learns Lang and Witbrock's two interleaved
 * spirals, and is tested on a fresh noisy sample of the same spirals.
 */
final class SpiralsDemo implements Experiment {

    @Override
    public String name() {
        return "spirals";
    }

    @Override
    public String description() {
        return "Train a 2-64-64-2 tanh MLP on two interleaved spirals and report train and test accuracy";
    }

    @Override
    public String reproduces() {
        return "engine demonstration (no seed table)";
    }

    @Override
    public void run(RunContext ctx) throws Exception {
        int perClass = ctx.quick() ? 100 : 200;
        // Full-batch Adam: with minibatches of 32 this task barely moves in PyTorch either (checked side by side).
        int epochs = ctx.quick() ? 1000 : 2000;
        double noise = 0.02;
        TabularDataset train = ToySets.twoSpirals(perClass, noise, ctx.rng().split().nextLong());
        TabularDataset test = ToySets.twoSpirals(perClass, noise, ctx.rng().split().nextLong());
        ctx.report().config("points_per_class", perClass).config("epochs", epochs).config("noise", noise)
                .config("model", "2-64-64-2 tanh").config("optimizer", "Adam lr 0.01, full batch");
        Sequential model = Models.mlp(ctx.rng().split(), Activation::tanh, 2, 64, 64, 2);
        Adam adam = new Adam(model.parameters(), 0.01);
        List<List<?>> rows = new ArrayList<>();
        try (DataLoader<LabelledBatch> trainLoader = DataLoader.over(train).batchSize(train.size()).seed(ctx.seed())
                .build();
             DataLoader<LabelledBatch> evalTrain = DataLoader.over(train).batchSize(512).shuffle(false).build();
             DataLoader<LabelledBatch> evalTest = DataLoader.over(test).batchSize(512).shuffle(false).build()) {
            ctx.stage("train", () -> {
                for (int e = 0; e < epochs; e++) {
                    Training.EpochStats s = Training.trainEpoch(ctx, model, trainLoader, e, adam);
                    if ((e + 1) % (epochs / 10) == 0) {
                        double acc = Training.evaluate(model, evalTest).accuracy();
                        ctx.log("%s, test accuracy %.2f%%", s, 100 * acc);
                        rows.add(List.of(e + 1, s.loss(), s.accuracy(), acc));
                        ctx.report().row(Map.of("epoch", e + 1, "train_loss", s.loss(), "train_accuracy", s.accuracy(),
                                "test_accuracy", acc));
                    }
                }
                return null;
            });
            Training.Evaluation tr = Training.evaluate(model, evalTrain);
            Training.Evaluation te = Training.evaluate(model, evalTest);
            ctx.report().metric("train_accuracy", tr.accuracy()).metric("test_accuracy", te.accuracy());
            ctx.report().table("Training on two spirals", List.of("epoch", "train loss", "train accuracy",
                    "test accuracy"), rows);
            ctx.log("two spirals: train accuracy %.2f%%, test accuracy %.2f%%", 100 * tr.accuracy(), 100 * te.accuracy());
        }
    }
}
