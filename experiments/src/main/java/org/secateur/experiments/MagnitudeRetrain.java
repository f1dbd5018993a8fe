package org.secateur.experiments;

import static org.secateur.experiments.PruningKit.fmt;
import static org.secateur.experiments.PruningKit.pct;
import static org.secateur.experiments.PruningKit.pp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secateur.datasets.DataLoader;
import org.secateur.datasets.ImageDataset;
import org.secateur.datasets.ImageSet;
import org.secateur.datasets.LabelledBatch;
import org.secateur.datasets.Normalization;
import org.secateur.datasets.TrainTest;
import org.secateur.nn.Parameter;
import org.secateur.nn.Sequential;
import org.secateur.sparsity.Pruner;
import org.secateur.sparsity.Pruning;
import org.secateur.sparsity.criteria.Magnitude;
import org.secateur.sparsity.report.SparsityReport;
import org.secateur.tensor.Tensor;

/**
 * The seed lecture's magnitude-pruning figure (§4): a trained CNN, one-shot magnitude pruning, accuracy before and
 * after a few epochs of retraining. Here LeNet-5 trained on Fashion-MNIST is pruned layer-wise (every conv and
 * linear weight to the same sparsity, PyTorch's {@code l1_unstructured} per layer; biases kept) at 50, 70 and 90%,
 * evaluated, then retrained for 3 epochs with the masks kept. Global magnitude pruning (one threshold over all
 * layers) is evaluated beside it without retraining.
 */
final class MagnitudeRetrain implements Experiment {
    static final double[] LEVELS = {0.5, 0.7, 0.9};

    /** The lecture's figure: dense, 70% pruned without retraining, after 3 epochs of retraining (model unknown). */
    static final double SEED_DENSE = 0.760;
    static final double SEED_PRUNED = 0.361;
    static final double SEED_RETRAINED = 0.714;
    static final double SEED_LEVEL = 0.7;

    /** Retraining learning rate: a tenth of the dense run's 0.05, as Han et al. 2015 retrain LeNet. */
    static final double RETRAIN_LR = 0.005;

    @Override
    public String name() {
        return "magnitude-retrain";
    }

    @Override
    public String description() {
        return "One-shot magnitude pruning of a trained LeNet-5 (Fashion-MNIST) at 50/70/90%, then 3 epochs of "
                + "retraining with the masks kept";
    }

    @Override
    public String reproduces() {
        return "seed §4 figure: dense 76.0% -> 70% pruned without retraining 36.1% -> after 3 epochs of retraining 71.4%";
    }

    @Override
    public void run(RunContext ctx) throws Exception {
        boolean quick = ctx.quick();
        TrainTest<ImageDataset> data = ctx.stage("load data", () -> Data.load(ctx, ImageSet.FASHION_MNIST));
        ImageDataset train = Data.quickSubset(ctx, data.train(), 4096);
        ImageDataset test = Data.quickSubset(ctx, data.test(), 1000);
        Normalization norm = Normalization.FASHION_MNIST;
        int retrainEpochs = quick ? 2 : 3;
        Pretrained.Recipe recipe = Pretrained.Recipe.fashionMnist(Pretrained.Architecture.LENET_5, ctx);
        ctx.report().config("dataset", "Fashion-MNIST (the lecture's model and data are not named)")
                .config("train_examples", train.size()).config("test_examples", test.size())
                .config("model", "LeNet-5 (conv6-conv16-120-84-10, ReLU, max-pool), 61,706 parameters")
                .config("pruning", "one-shot magnitude |w|, unstructured, layer-wise: each of the 5 conv/linear "
                        + "weights to the same sparsity (biases kept); global magnitude evaluated beside it")
                .config("retraining", retrainEpochs + " epochs, SGD momentum 0.9, weight decay 5e-4, lr "
                        + RETRAIN_LR + " cosine to 0, batch 128, masks kept")
                .config("levels", LEVELS);

        Sequential net = Pretrained.obtain(ctx, recipe, data.train()).net();
        Map<String, Parameter> weights = Pruning.prunableWeights(net);
        Map<String, Tensor> dense = PruningKit.snapshot(net);

        try (DataLoader<LabelledBatch> trainLoader = Data.trainLoader(train, norm, 128, ctx.seed());
             DataLoader<LabelledBatch> testLoader = Data.evalLoader(test, norm)) {
            double denseAcc = ctx.stage("evaluate", () -> Training.evaluate(net, testLoader)).accuracy();
            ctx.log("dense LeNet-5: test accuracy %s", pct(denseAcc));
            ctx.report().metric("dense_accuracy", denseAcc);

            List<List<?>> table = new ArrayList<>();
            List<List<?>> globalTable = new ArrayList<>();
            Map<String, List<Double>> bars = new LinkedHashMap<>();
            bars.put("dense", new ArrayList<>());
            bars.put("pruned, no retraining", new ArrayList<>());
            bars.put("after " + retrainEpochs + " epochs of retraining", new ArrayList<>());
            List<String> categories = new ArrayList<>();
            String globalReport = null;
            for (double s : LEVELS) {
                String level = fmt("%.0f%%", 100 * s);
                PruningKit.restore(net, dense);
                Pruner.global(s).prune(net, weights, new Magnitude());
                double globalAcc = ctx.stage("evaluate", () -> Training.evaluate(net, testLoader)).accuracy();
                SparsityReport globalMasks = SparsityReport.of(net, 1, 28, 28);
                if (s == SEED_LEVEL) {
                    globalReport = globalMasks.toMarkdown();
                }

                PruningKit.restore(net, dense);
                Pruner.layerWise(s).prune(net, weights, new Magnitude());
                SparsityReport masks = SparsityReport.of(net, 1, 28, 28);
                double pruned = ctx.stage("evaluate", () -> Training.evaluate(net, testLoader)).accuracy();
                ctx.stage("retrain", () -> {
                    PruningKit.retrain(ctx, net, trainLoader, retrainEpochs, RETRAIN_LR, 0, "retrain at " + level);
                    return null;
                });
                double retrained = ctx.stage("evaluate", () -> Training.evaluate(net, testLoader)).accuracy();
                SparsityReport after = SparsityReport.of(net, 1, 28, 28);
                if (after.zeros() < masks.zeros()) {
                    throw new IllegalStateException("retraining revived pruned weights: " + masks.zeros() + " zeros before, "
                            + after.zeros() + " after");
                }
                double recovered = denseAcc - pruned > 0 ? (retrained - pruned) / (denseAcc - pruned) : Double.NaN;
                ctx.log("%s pruned (layer-wise): %s -> %s -> %s after retraining; global, no retraining: %s", level,
                        pct(denseAcc), pct(pruned), pct(retrained), pct(globalAcc));

                Map<String, Object> row = new LinkedHashMap<>();
                row.put("sparsity", s);
                row.put("scope", "layer-wise");
                row.put("weights_kept", masks.nonZeros());
                row.put("weights_total", masks.numel());
                row.put("dense_accuracy", denseAcc);
                row.put("pruned_accuracy", pruned);
                row.put("retrained_accuracy", retrained);
                row.put("global_pruned_accuracy", globalAcc);
                ctx.report().row(row);
                String key = fmt("%.0f", 100 * s);
                ctx.report().metric("pruned_accuracy_" + key, pruned).metric("retrained_accuracy_" + key, retrained)
                        .metric("global_pruned_accuracy_" + key, globalAcc);

                boolean seedLevel = s == SEED_LEVEL;
                table.add(List.of(level, fmt("%,d / %,d", masks.nonZeros(), masks.numel()), pct(denseAcc), pct(pruned),
                        pct(retrained), pp(retrained - denseAcc), Double.isNaN(recovered) ? "—" : fmt("%.0f%%", 100 * recovered),
                        seedLevel ? fmt("%s → %s → %s", pct1(SEED_DENSE), pct1(SEED_PRUNED), pct1(SEED_RETRAINED)) : "—"));
                globalTable.add(List.of(level, pct(pruned), pct(globalAcc), layerSparsities(globalMasks)));
                categories.add(level);
                bars.get("dense").add(round1(denseAcc));
                bars.get("pruned, no retraining").add(round1(pruned));
                bars.get("after " + retrainEpochs + " epochs of retraining").add(round1(retrained));
            }
            categories.add("lecture figure, 70%");
            bars.get("dense").add(round1(SEED_DENSE));
            bars.get("pruned, no retraining").add(round1(SEED_PRUNED));
            bars.get("after " + retrainEpochs + " epochs of retraining").add(round1(SEED_RETRAINED));

            ctx.report().table("LeNet-5 on Fashion-MNIST: one-shot layer-wise magnitude pruning, then retraining",
                    List.of("sparsity", "weights kept", "dense", "pruned, no retraining",
                            "after " + retrainEpochs + " epochs of retraining", "retrained − dense",
                            "share of the drop recovered", "lecture figure (70%): dense → pruned → retrained"),
                    table);
            ctx.report().text("Test accuracy on " + fmt("%,d", test.size()) + " Fashion-MNIST test images. The "
                    + "lecture's figure gives neither its model nor its data set (its dense accuracy, 76.0%, suggests "
                    + "a harder task than Fashion-MNIST); compare the shape: a large one-shot drop that a few epochs "
                    + "of retraining with the masks kept almost entirely recover.");
            ctx.report().table("Layer-wise against global magnitude pruning (no retraining)",
                    List.of("sparsity", "layer-wise", "global", "global: sparsity per layer (conv1, conv2, fc1, fc2, fc3)"),
                    globalTable);
            if (globalReport != null) {
                ctx.report().text("Global magnitude pruning at 70%, per layer (0 = conv1, 3 = conv2, 7 = fc1, 9 = fc2, "
                        + "11 = fc3; FLOPs per image, a multiply-add counted as 2):\n\n" + globalReport);
            }
            Plots.bars(ctx.report().dir().resolve("accuracy.png"),
                    "LeNet-5 on Fashion-MNIST: one-shot magnitude pruning, then retraining", "test accuracy (%)",
                    categories, bars);
            ctx.report().plot("accuracy.png", "dense / pruned / retrained test accuracy per sparsity, and the lecture's figure");
        }
    }

    private static String layerSparsities(SparsityReport r) {
        return String.join(", ", r.layers().stream().map(l -> fmt("%.0f%%", 100 * l.sparsity())).toList());
    }

    /** A fraction as a percentage with one decimal, so that the chart's labels stay short. */
    private static double round1(double fraction) {
        return Math.round(1000 * fraction) / 10.0;
    }

    private static String pct1(double x) {
        return PruningKit.pct1(x);
    }
}
