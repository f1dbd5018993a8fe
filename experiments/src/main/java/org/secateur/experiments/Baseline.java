package org.secateur.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.secateur.datasets.DataLoader;
import org.secateur.datasets.ImageDataset;
import org.secateur.datasets.ImageSet;
import org.secateur.datasets.LabelledBatch;
import org.secateur.datasets.Normalization;
import org.secateur.datasets.TrainTest;
import org.secateur.nn.Models;
import org.secateur.nn.Module;
import org.secateur.optim.LrSchedule;
import org.secateur.optim.LrScheduler;
import org.secateur.optim.SGD;
import org.secateur.tensor.Rng;

/**
 * The harness end to end on real data: LeNet-300-100 and a LeNet-5-style CNN trained on Fashion-MNIST, with test
 * accuracy, time per epoch and throughput. These dense nets are the starting point of the pruning experiments.
 */
final class Baseline implements Experiment {

    @Override
    public String name() {
        return "baseline";
    }

    @Override
    public String description() {
        return "Train LeNet-300-100 and LeNet-5 on Fashion-MNIST; test accuracy, epoch time, images/s";
    }

    @Override
    public String reproduces() {
        return "dense baselines of the pruning experiments (Fashion-MNIST README: MLP ~88-89%, small CNN ~90-91%)";
    }

    /** One model's training recipe. */
    record Recipe(String name, Function<Rng, Module> model, int epochs, double lr, double paperAccuracy) {}

    @Override
    public void run(RunContext ctx) throws Exception {
        TrainTest<ImageDataset> data = ctx.stage("load data", () -> Data.load(ctx, ImageSet.FASHION_MNIST));
        ImageDataset train = Data.quickSubset(ctx, data.train(), 4096);
        ImageDataset test = Data.quickSubset(ctx, data.test(), 2000);
        int batch = 128;
        List<Recipe> recipes = List.of(
                new Recipe("LeNet-300-100", Models::lenet300100, ctx.quick() ? 2 : 30, 0.05, 0.89),
                new Recipe("LeNet-5", Models::lenet5, ctx.quick() ? 2 : 20, 0.05, 0.90));
        ctx.report().config("dataset", "Fashion-MNIST").config("train_examples", train.size())
                .config("test_examples", test.size()).config("batch", batch)
                .config("optimizer", "SGD momentum 0.9, weight decay 5e-4, cosine learning rate")
                .config("normalization", Normalization.FASHION_MNIST.toString());
        List<List<?>> table = new ArrayList<>();
        List<Plots.Series> curves = new ArrayList<>();
        for (Recipe r : recipes) {
            Module model = r.model().apply(ctx.rng().split());
            SGD sgd = new SGD(model.parameters(), r.lr(), 0.9, 5e-4);
            LrScheduler lr = new LrScheduler(sgd, new LrSchedule.Cosine(r.lr(), r.epochs(), 0));
            double best = 0;
            Training.EpochStats last = null;
            Training.Evaluation eval = null;
            double[] epochs = new double[r.epochs()];
            double[] accuracy = new double[r.epochs()];
            try (DataLoader<LabelledBatch> trainLoader = Data.trainLoader(train, Normalization.FASHION_MNIST, batch,
                    ctx.seed()); DataLoader<LabelledBatch> testLoader = Data.evalLoader(test, Normalization.FASHION_MNIST)) {
                for (int e = 0; e < r.epochs(); e++) {
                    int epoch = e;
                    last = ctx.stage(r.name() + " training", () -> Training.trainEpoch(ctx, model, trainLoader, epoch, sgd));
                    lr.step();
                    eval = ctx.stage(r.name() + " evaluation", () -> Training.evaluate(model, testLoader));
                    best = Math.max(best, eval.accuracy());
                    epochs[e] = e + 1;
                    accuracy[e] = 100 * eval.accuracy();
                    ctx.log("%s %s, test accuracy %.2f%%", r.name(), last, 100 * eval.accuracy());
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("model", r.name());
                    row.put("epoch", e + 1);
                    row.put("train_loss", last.loss());
                    row.put("train_accuracy", last.accuracy());
                    row.put("test_accuracy", eval.accuracy());
                    row.put("epoch_seconds", last.seconds());
                    row.put("train_images_per_second", last.imagesPerSecond());
                    ctx.report().row(row);
                }
            }
            curves.add(new Plots.Series(r.name(), epochs, accuracy));
            String key = r.name().toLowerCase().replace("-", "_");
            ctx.report().metric(key + "_test_accuracy", eval.accuracy())
                    .metric(key + "_epoch_seconds", last.seconds())
                    .metric(key + "_train_images_per_second", last.imagesPerSecond())
                    .metric(key + "_inference_images_per_second", eval.imagesPerSecond())
                    .metric(key + "_parameters", model.parameterCount());
            table.add(List.of(r.name(), model.parameterCount(), r.epochs(), pct(eval.accuracy()), pct(best),
                    ">= " + pct(r.paperAccuracy()), String.format("%.2f", last.seconds()),
                    String.format("%.0f", last.imagesPerSecond()), String.format("%.0f", eval.imagesPerSecond())));
        }
        ctx.report().table("Fashion-MNIST baselines", List.of("model", "parameters", "epochs", "test accuracy",
                "best epoch", "target", "s/epoch", "train images/s", "inference images/s"), table);
        Plots.line(ctx.report().dir().resolve("accuracy.png"), "Fashion-MNIST test accuracy", "epoch",
                "test accuracy (%)", curves);
        ctx.report().plot("accuracy.png", "test accuracy per epoch");
    }

    private static String pct(double x) {
        return String.format("%.2f%%", 100 * x);
    }
}
