package org.secateur.experiments;

import static org.secateur.experiments.PruningKit.fmt;
import static org.secateur.experiments.PruningKit.pct;
import static org.secateur.experiments.PruningKit.pct1;
import static org.secateur.experiments.PruningKit.pp;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secateur.autograd.GradMode;
import org.secateur.datasets.DataLoader;
import org.secateur.datasets.Epoch;
import org.secateur.datasets.ImageDataset;
import org.secateur.datasets.ImageSet;
import org.secateur.datasets.LabelledBatch;
import org.secateur.datasets.Normalization;
import org.secateur.datasets.TrainTest;
import org.secateur.nn.ForwardHook;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.nn.Sequential;
import org.secateur.sparsity.Pruner;
import org.secateur.sparsity.Pruning;
import org.secateur.sparsity.criteria.Magnitude;
import org.secateur.sparsity.report.LayerSparsity;
import org.secateur.sparsity.report.MaskImage;
import org.secateur.sparsity.report.SparsityReport;
import org.secateur.sparsity.train.Schedule;
import org.secateur.sparsity.train.ScheduledPruning;
import org.secateur.tensor.Tensor;

/**
 * Han, Pool, Tran &amp; Dally 2015 ("Learning both Weights and Connections for Efficient Neural Networks", §3-4,
 * Table 1-2, Figure 4) on LeNet-300-100: iterative magnitude pruning with retraining to the paper's per-layer kept
 * fractions, fc1 8%, fc2 9%, fc3 26% (12x fewer weights), against one-shot pruning to the same fractions without
 * retraining (the control), one-shot pruning followed by the same retraining, and the dense net retrained as long.
 * Reports the parameter count, the compression, the FLOPs left (with and without the activation sparsity Han count)
 * and the first layer's mask as images.
 */
final class Han12x implements Experiment {
    /** Han et al.'s Table 2: the fraction of each layer's weights kept. */
    static final Map<String, Double> KEPT = Map.of("1.weight", 0.08, "3.weight", 0.09, "5.weight", 0.26);
    static final List<String> LAYERS = List.of("1.weight", "3.weight", "5.weight");
    static final List<String> LAYER_NAMES = List.of("fc1", "fc2", "fc3");

    /** Han et al.'s Table 2 per layer: act% (non-zero outputs) and FLOP% (with activation sparsity). */
    static final double[] HAN_ACT = {0.38, 0.65, 1.00};
    static final double[] HAN_FLOP = {0.08, 0.04, 0.17};

    /** Han et al.'s Table 1: LeNet-300-100 on MNIST, top-1 error before and after pruning, and the weights. */
    static final double HAN_DENSE_ERROR = 0.0164;
    static final double HAN_PRUNED_ERROR = 0.0159;

    /** Retraining at a tenth of the dense run's learning rate (0.05), as Han et al. retrain LeNet. */
    static final double RETRAIN_LR = 0.005;

    @Override
    public String name() {
        return "han-12x";
    }

    @Override
    public String description() {
        return "LeNet-300-100 (Fashion-MNIST): iterative magnitude pruning with retraining to Han et al.'s per-layer "
                + "kept fractions 8%/9%/26%, against one-shot without retraining; mask image of fc1; FLOPs";
    }

    @Override
    public String reproduces() {
        return "Han et al. 2015, Table 1-2: LeNet-300-100 1.64% -> 1.59% error on MNIST at 12x fewer weights "
                + "(fc1 8%, fc2 9%, fc3 26% kept)";
    }

    @Override
    public void run(RunContext ctx) throws Exception {
        boolean quick = ctx.quick();
        TrainTest<ImageDataset> data = ctx.stage("load data", () -> Data.load(ctx, ImageSet.FASHION_MNIST));
        ImageDataset train = Data.quickSubset(ctx, data.train(), 4096);
        ImageDataset test = Data.quickSubset(ctx, data.test(), 2000);
        Normalization norm = Normalization.FASHION_MNIST;
        int rounds = quick ? 3 : 5;
        int epochsPerRound = quick ? 1 : 4;
        int totalEpochs = rounds * epochsPerRound;
        Map<String, Double> targets = new LinkedHashMap<>();
        LAYERS.forEach(l -> targets.put(l, 1 - KEPT.get(l)));
        ctx.report().config("dataset", "Fashion-MNIST (the paper: MNIST, not available offline)")
                .config("train_examples", train.size()).config("test_examples", test.size())
                .config("model", "LeNet-300-100 (784-300-100-10, ReLU), 266,610 parameters, 266,200 weights")
                .config("pruning", "magnitude |w|, unstructured, per layer to fc1 8%, fc2 9%, fc3 26% kept; biases kept")
                .config("iterative", rounds + " rounds, each keeping the same fraction of each layer's survivors "
                        + "(Schedule.iterative), then " + epochsPerRound + " epochs of retraining")
                .config("retraining", "SGD momentum 0.9, weight decay 5e-4, lr " + RETRAIN_LR
                        + " (a tenth of the dense run's) cosine to 0 within each round, batch 128, masks kept")
                .config("controls", "one-shot to the same fractions without retraining; one-shot then "
                        + totalEpochs + " epochs of retraining; the dense net retrained " + totalEpochs + " epochs");

        Pretrained.Recipe recipe = Pretrained.Recipe.fashionMnist(Pretrained.Architecture.LENET_300_100, ctx);
        Sequential net = Pretrained.obtain(ctx, recipe, data.train()).net();
        Map<String, Parameter> weights = Pruning.prunableWeights(net);
        Map<String, Tensor> dense = PruningKit.snapshot(net);

        try (DataLoader<LabelledBatch> trainLoader = Data.trainLoader(train, norm, 128, ctx.seed());
             DataLoader<LabelledBatch> testLoader = Data.evalLoader(test, norm)) {
            double denseAcc = evaluate(ctx, net, testLoader);
            Flops denseFlops = flops(net, weights, testLoader);
            ctx.log("dense LeNet-300-100: test accuracy %s", pct(denseAcc));

            // one-shot to the final fractions, no retraining: the control
            Pruner.layerWise(targets).prune(net, weights, new Magnitude());
            double oneShotAcc = evaluate(ctx, net, testLoader);
            ctx.log("one-shot to 8%%/9%%/26%% kept, no retraining: %s", pct(oneShotAcc));

            // one-shot, then as much retraining as the iterative run gets
            ctx.stage("retrain one-shot", () -> {
                PruningKit.retrain(ctx, net, trainLoader, totalEpochs, RETRAIN_LR, 0, "one-shot + retraining");
                return null;
            });
            double oneShotRetrainedAcc = evaluate(ctx, net, testLoader);
            ctx.log("one-shot, then %d epochs of retraining: %s", totalEpochs, pct(oneShotRetrainedAcc));

            // the dense net retrained as long: what the extra training alone gives
            PruningKit.restore(net, dense);
            ctx.stage("retrain dense", () -> {
                PruningKit.retrain(ctx, net, trainLoader, totalEpochs, RETRAIN_LR, 0, "dense + retraining");
                return null;
            });
            double denseRetrainedAcc = evaluate(ctx, net, testLoader);
            ctx.log("dense, retrained %d epochs: %s", totalEpochs, pct(denseRetrainedAcc));

            // iterative: prune a round, retrain, repeat (Han et al. §3.3)
            PruningKit.restore(net, dense);
            ScheduledPruning iterative = new ScheduledPruning(net, weights, new Magnitude(), Pruner.layerWise(targets),
                    Schedule.iterative(rounds, 1));
            List<List<?>> roundTable = new ArrayList<>();
            List<Double> roundAccs = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                iterative.applyDue(r);
                SparsityReport masks = SparsityReport.of(net, 784);
                double prunedAcc = evaluate(ctx, net, testLoader);
                int first = r * epochsPerRound;
                int round = r + 1;
                ctx.stage("retrain iterative", () -> {
                    PruningKit.retrain(ctx, net, trainLoader, epochsPerRound, RETRAIN_LR, first, "round " + round);
                    return null;
                });
                double retrainedAcc = evaluate(ctx, net, testLoader);
                roundAccs.add(retrainedAcc);
                ctx.log("round %d: %s of the weights kept (%.1fx), %s after pruning, %s after retraining", round,
                        pct(1 - masks.sparsity()), masks.compression(), pct(prunedAcc), pct(retrainedAcc));
                List<Object> row = new ArrayList<>(List.of(round));
                for (LayerSparsity l : masks.layers()) {
                    row.add(pct1(1 - l.sparsity()));
                }
                row.addAll(List.of(fmt("%,d", masks.nonZeros()), fmt("%.1fx", masks.compression()), pct(prunedAcc),
                        pct(retrainedAcc)));
                roundTable.add(row);
                Map<String, Object> csv = new LinkedHashMap<>();
                csv.put("run", "iterative");
                csv.put("round", round);
                for (int i = 0; i < LAYERS.size(); i++) {
                    csv.put(LAYER_NAMES.get(i) + "_kept", 1 - masks.layers().get(i).sparsity());
                }
                csv.put("weights_kept", masks.nonZeros());
                csv.put("compression", masks.compression());
                csv.put("pruned_accuracy", prunedAcc);
                csv.put("retrained_accuracy", retrainedAcc);
                ctx.report().row(csv);
            }
            if (!iterative.isComplete()) {
                throw new IllegalStateException("the iterative schedule did not reach its final targets");
            }
            double iterativeAcc = roundAccs.get(rounds - 1);
            SparsityReport fin = SparsityReport.of(net, 784);
            Flops finFlops = flops(net, weights, testLoader);
            Map<String, Double> summary = new LinkedHashMap<>();
            summary.put("dense", denseAcc);
            summary.put("dense, retrained", denseRetrainedAcc);
            summary.put("one-shot, no retraining", oneShotAcc);
            summary.put("one-shot, retrained", oneShotRetrainedAcc);
            summary.put("iterative", iterativeAcc);
            summary.forEach((run, acc) -> ctx.report().row(Map.of("run", run, "accuracy", acc)));
            long params = net.parameterCount();
            long prunedParams = params - fin.zeros();
            ctx.report().metric("dense_accuracy", denseAcc).metric("iterative_accuracy", iterativeAcc)
                    .metric("one_shot_accuracy", oneShotAcc).metric("one_shot_retrained_accuracy", oneShotRetrainedAcc)
                    .metric("dense_retrained_accuracy", denseRetrainedAcc)
                    .metric("weights", fin.numel()).metric("weights_kept", fin.nonZeros())
                    .metric("compression", fin.compression()).metric("parameters", params)
                    .metric("parameters_kept", prunedParams)
                    .metric("flops_dense", denseFlops.total()).metric("flops_weights_only", fin.flops())
                    .metric("flops_with_activation_sparsity", finFlops.total());
            for (int i = 0; i < LAYERS.size(); i++) {
                ctx.report().metric(LAYER_NAMES.get(i) + "_kept", 1 - fin.layers().get(i).sparsity());
            }

            ctx.report().table("Han et al. 2015, Table 1: LeNet-300-100 before and after pruning",
                    List.of("", "data", "error dense → pruned", "accuracy dense → pruned", "parameters", "compression"),
                    List.of(List.of("Han et al. 2015", "MNIST", fmt("%.2f%% → %.2f%%", 100 * HAN_DENSE_ERROR,
                                    100 * HAN_PRUNED_ERROR), fmt("%.2f%% → %.2f%%", 100 - 100 * HAN_DENSE_ERROR,
                                    100 - 100 * HAN_PRUNED_ERROR), "267K → 22K", "12x"),
                            List.of("ours, iterative (" + rounds + " rounds x " + epochsPerRound + " epochs)",
                                    "Fashion-MNIST", fmt("%.2f%% → %.2f%%", 100 * (1 - denseAcc), 100 * (1 - iterativeAcc)),
                                    fmt("%s → %s", pct(denseAcc), pct(iterativeAcc)),
                                    fmt("%,d → %,d (weights %,d → %,d)", params, prunedParams, fin.numel(), fin.nonZeros()),
                                    fmt("%.1fx", fin.compression()))));
            ctx.report().text(fmt("Error change from pruning iteratively: %+.2f pp (Han et al.: %+.2f pp). "
                    + "Parameters count the 410 biases, which are not pruned; the compression is over the weights, "
                    + "as Han et al.'s.", 100 * (denseAcc - iterativeAcc), 100 * (HAN_PRUNED_ERROR - HAN_DENSE_ERROR)));

            ctx.report().table("Iterative against one-shot pruning to fc1 8%, fc2 9%, fc3 26% kept",
                    List.of("run", "epochs of retraining", "test accuracy", "vs dense"),
                    List.of(List.of("dense", 0, pct(denseAcc), "—"),
                            List.of("dense, retrained as long (control)", totalEpochs, pct(denseRetrainedAcc),
                                    pp(denseRetrainedAcc - denseAcc)),
                            List.of("one-shot, no retraining", 0, pct(oneShotAcc), pp(oneShotAcc - denseAcc)),
                            List.of("one-shot, then retrained", totalEpochs, pct(oneShotRetrainedAcc),
                                    pp(oneShotRetrainedAcc - denseAcc)),
                            List.of("iterative, " + rounds + " prune-retrain rounds", totalEpochs, pct(iterativeAcc),
                                    pp(iterativeAcc - denseAcc))));

            List<String> roundColumns = new ArrayList<>(List.of("round"));
            LAYER_NAMES.forEach(n -> roundColumns.add(n + " kept"));
            roundColumns.addAll(List.of("weights kept", "compression", "after pruning", "after retraining"));
            ctx.report().table("Iterative pruning, round by round", roundColumns, roundTable);

            List<List<?>> layerTable = new ArrayList<>();
            for (int i = 0; i < LAYERS.size(); i++) {
                LayerSparsity l = fin.layers().get(i);
                layerTable.add(List.of(LAYER_NAMES.get(i), fmt("%,d", l.numel()), fmt("%,d", l.denseFlops()),
                        pct1(finFlops.outputDensity()[i]) + " (" + pct1(HAN_ACT[i]) + ")",
                        pct1(1 - l.sparsity()) + " (" + pct1(KEPT.get(LAYERS.get(i))) + ")",
                        pct1((double) l.flops() / l.denseFlops()),
                        pct1(finFlops.perLayer()[i] / l.denseFlops()) + " (" + pct1(HAN_FLOP[i]) + ")"));
            }
            layerTable.add(List.of("total", fmt("%,d", fin.numel()), fmt("%,d", fin.denseFlops()), "—",
                    pct1(1 - fin.sparsity()) + " (8%)", pct1((double) fin.flops() / fin.denseFlops()),
                    pct1(finFlops.total() / fin.denseFlops()) + " (8%)"));
            ctx.report().table("Han et al. 2015, Table 2: per layer after iterative pruning (Han's LeNet-300-100 on "
                            + "MNIST in parentheses)",
                    List.of("layer", "weights", "FLOPs dense", "act% (non-zero outputs)", "weights kept",
                            "FLOP% (weights only)", "FLOP% (with activation sparsity)"), layerTable);
            ctx.report().text("FLOPs per example: a multiply-add is 2 FLOPs. \"Weights only\" counts every kept "
                    + "weight; \"with activation sparsity\" counts a kept weight only when its input is non-zero, "
                    + "averaged over the test images, as Han et al.'s FLOP% (the first layer's normalised pixels are "
                    + "never exactly zero). Act% is measured after the ReLU, on the test images.");
            if (!quick) {
                ctx.report().text("The dense model's FLOPs with activation sparsity: "
                        + pct1(denseFlops.total() / fin.denseFlops()) + " of " + fmt("%,d", fin.denseFlops()) + ".");
            }

            Parameter fc1 = weights.get("1.weight");
            BufferedImage connectivity = MaskImage.inputConnectivity(fc1, 28, 28);
            stretch(connectivity);
            int mostConnected = mostConnectedInput(fc1);
            MaskImage.writePng(MaskImage.scaled(connectivity, 10), ctx.report().dir().resolve("fc1-input-connectivity.png"));
            MaskImage.writePng(MaskImage.weightMask(fc1), ctx.report().dir().resolve("fc1-mask.png"));
            ctx.report().plot("fc1-input-connectivity.png", fmt("fc1: how many of the 300 units each pixel still "
                    + "feeds, as a 28x28 image (black: none, the pixel is cut off; white: %d units, the most of any pixel)",
                    mostConnected));
            ctx.report().plot("fc1-mask.png", "fc1's mask, 300 rows (units) x 784 columns (pixels): white = kept; "
                    + "Han et al.'s Figure 4 shows the same bands, one per image row");
            Plots.line(ctx.report().dir().resolve("rounds.png"), "LeNet-300-100: iterative magnitude pruning",
                    "round", "test accuracy after retraining (%)", List.of(
                            new Plots.Series("iterative", series(rounds, i -> i + 1.0),
                                    series(rounds, i -> 100 * roundAccs.get(i))),
                            new Plots.Series("dense", new double[] {1, rounds}, new double[] {100 * denseAcc, 100 * denseAcc}),
                            new Plots.Series("one-shot, retrained", new double[] {1, rounds},
                                    new double[] {100 * oneShotRetrainedAcc, 100 * oneShotRetrainedAcc})));
            ctx.report().plot("rounds.png", "test accuracy after each prune-retrain round");
        }
    }

    /**
     * Stretches a grey image's levels so that its brightest pixel becomes white (black stays black); returns the
     * brightest level before stretching.
     */
    static int stretch(BufferedImage img) {
        int max = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                max = Math.max(max, img.getRaster().getSample(x, y, 0));
            }
        }
        if (max > 0) {
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    img.getRaster().setSample(x, y, 0, Math.round(255f * img.getRaster().getSample(x, y, 0) / max));
                }
            }
        }
        return max;
    }

    /** The largest number of kept connections of any input of a Linear weight. */
    static int mostConnectedInput(Parameter weight) {
        try (var off = GradMode.noGrad()) {
            Tensor w = weight.value();
            int out = w.size(0);
            int in = w.size(1);
            int best = 0;
            for (int i = 0; i < in; i++) {
                int kept = 0;
                for (int o = 0; o < out; o++) {
                    kept += w.getFlat(o * in + i) != 0 ? 1 : 0;
                }
                best = Math.max(best, kept);
            }
            return best;
        }
    }

    private static double evaluate(RunContext ctx, Module net, DataLoader<LabelledBatch> test) throws Exception {
        return ctx.stage("evaluate", () -> Training.evaluate(net, test)).accuracy();
    }

    private static double[] series(int n, java.util.function.IntToDoubleFunction f) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = f.applyAsDouble(i);
        }
        return out;
    }

    /**
     * FLOPs per example that count a weight only when it is kept and its input is non-zero, per layer; and each
     * layer's share of non-zero outputs after its activation (the next layer's input; 100% for the last layer).
     */
    record Flops(double[] perLayer, double[] outputDensity) {
        double total() {
            double t = 0;
            for (double f : perLayer) {
                t += f;
            }
            return t;
        }
    }

    /** Measures {@link Flops} over the test images with forward hooks on the Linear layers. */
    static Flops flops(Sequential net, Map<String, Parameter> weights, DataLoader<LabelledBatch> test) {
        List<String> names = List.copyOf(weights.keySet());
        int n = names.size();
        double[] flops = new double[n];
        double[] inputNonZero = new double[n];
        double[] inputTotal = new double[n];
        long[] examples = new long[1];
        List<ForwardHook.Handle> hooks = new ArrayList<>();
        try (var off = GradMode.noGrad()) {
            for (int k = 0; k < n; k++) {
                int layer = k;
                Tensor w = weights.get(names.get(k)).value();
                int out = w.size(0);
                int in = w.size(1);
                int[] colNonZero = new int[in];
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < in; i++) {
                        colNonZero[i] += w.getFlat(o * in + i) != 0 ? 1 : 0;
                    }
                }
                String path = names.get(k).substring(0, names.get(k).lastIndexOf('.'));
                hooks.add(net.namedModules().get(path).addForwardHook(ForwardHook.observer((m, x, y) -> {
                    int rows = x.size(0);
                    for (int r = 0; r < rows; r++) {
                        for (int i = 0; i < in; i++) {
                            if (x.getFlat(r * in + i) != 0) {
                                flops[layer] += 2.0 * colNonZero[i];
                                inputNonZero[layer]++;
                            }
                        }
                    }
                    inputTotal[layer] += (double) rows * in;
                    if (layer == 0) {
                        examples[0] += rows;
                    }
                })));
            }
            net.eval();
            try (Epoch<LabelledBatch> batches = test.epoch(0)) {
                for (LabelledBatch b : batches) {
                    net.apply(b.inputs());
                }
            }
        } finally {
            hooks.forEach(ForwardHook.Handle::remove);
            net.train(true);
        }
        double[] density = new double[n];
        for (int k = 0; k < n; k++) {
            flops[k] /= examples[0];
            density[k] = k + 1 < n ? inputNonZero[k + 1] / inputTotal[k + 1] : 1;
        }
        return new Flops(flops, density);
    }
}
