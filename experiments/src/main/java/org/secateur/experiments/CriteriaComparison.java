package org.secateur.experiments;

import static org.secateur.experiments.PruningKit.fmt;
import static org.secateur.experiments.PruningKit.pct;

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
import org.secateur.nn.Losses;
import org.secateur.nn.Parameter;
import org.secateur.nn.Sequential;
import org.secateur.sparsity.Criterion;
import org.secateur.sparsity.Minibatch;
import org.secateur.sparsity.Pruner;
import org.secateur.sparsity.Pruning;
import org.secateur.sparsity.Scores;
import org.secateur.sparsity.criteria.GradientMagnitude;
import org.secateur.sparsity.criteria.Magnitude;
import org.secateur.sparsity.criteria.RandomScore;
import org.secateur.sparsity.criteria.Taylor;
import org.secateur.sparsity.secondorder.Obd;
import org.secateur.tensor.Tensor;

/**
 * The seed lecture's §4 ("choosing a weight's importance"): one-shot unstructured pruning of trained nets without
 * retraining, at 10 to 90%, by random, magnitude, gradient, first-order Taylor and OBD scores, with the accuracy and
 * the change of the loss at each level. Layer-wise (every weight to the same sparsity: the criterion only chooses
 * within a layer) and global (one ranking across layers: the criterion also sets each layer's share).
 *
 * <p>To add a criterion, add a {@link Method} to {@link #METHODS}; {@link Method#pending} keeps a column for one
 * that another piece of work provides. OBD's diagonal is the exact Gauss-Newton one ({@link
 * SoftmaxGaussNewtonDiagonal}, one backward pass per example and class): the exact Hessian diagonal would take one
 * Hessian-vector product per weight, 266,200 for LeNet-300-100 and 61,470 for LeNet-5.
 */
final class CriteriaComparison implements Experiment {
    static final double[] LEVELS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};

    /** What a criterion is built from: the data it may score with, and the run's seed. */
    record Inputs(List<Minibatch> batches, long seed) {}

    /**
     * A column of the comparison: a criterion, what it is, and how to build it ({@code null} while it is pending).
     */
    record Method(String name, String source, Function<Inputs, Criterion> factory) {
        static Method pending(String name, String source) {
            return new Method(name, source, null);
        }

        boolean isPending() {
            return factory == null;
        }
    }

    static final List<Method> METHODS = List.of(
            new Method("random", "uniform scores (the control)", in -> new RandomScore(in.seed())),
            new Method("magnitude", "|w| (Han et al. 2015)", in -> new Magnitude()),
            new Method("gradient", "|dC/dw| (seed §4)", in -> new GradientMagnitude(in.batches(), Losses::crossEntropy)),
            new Method("Taylor", "|dC/dw · w| (Molchanov et al. 2017, §2.2, per weight)",
                    in -> new Taylor(in.batches(), Losses::crossEntropy)),
            new Method("OBD", "½ h_ii w_i² (LeCun et al. 1989) with the exact Gauss-Newton diagonal of the "
                    + "cross-entropy (LeCun's positive Levenberg-Marquardt diagonal; from per-example, per-class "
                    + "gradients, `SoftmaxGaussNewtonDiagonal`), on the same batches as gradient and Taylor",
                    in -> new Obd(in.batches(), Losses::crossEntropy, new SoftmaxGaussNewtonDiagonal())));

    /** A way to prune to one level. */
    enum ScopeKind {
        LAYER_WISE("layer-wise"), GLOBAL("global");

        final String label;

        ScopeKind(String label) {
            this.label = label;
        }

        Pruner pruner(double sparsity) {
            return this == GLOBAL ? Pruner.global(sparsity) : Pruner.layerWise(sparsity);
        }
    }

    @Override
    public String name() {
        return "criteria";
    }

    @Override
    public String description() {
        return "One-shot pruning without retraining at 10-90% by random, magnitude, gradient, Taylor and OBD "
                + "scores: accuracy and loss change per level";
    }

    @Override
    public String reproduces() {
        return "seed §4: magnitude needs no data; gradient and first-order Taylor |dC/dh · h| (Molchanov et al. 2017) "
                + "use data; the choice of criterion matters";
    }

    @Override
    public void run(RunContext ctx) throws Exception {
        boolean quick = ctx.quick();
        TrainTest<ImageDataset> data = ctx.stage("load data", () -> Data.load(ctx, ImageSet.FASHION_MNIST));
        ImageDataset test = Data.quickSubset(ctx, data.test(), 2000);
        Normalization norm = Normalization.FASHION_MNIST;
        int scoringBatches = quick ? 4 : 10;
        List<Pretrained.Architecture> models = quick ? List.of(Pretrained.Architecture.LENET_300_100)
                : List.of(Pretrained.Architecture.LENET_300_100, Pretrained.Architecture.LENET_5);
        ctx.report().config("dataset", "Fashion-MNIST").config("test_examples", test.size())
                .config("models", models.stream().map(Pretrained.Architecture::displayName).toList())
                .config("levels", LEVELS)
                .config("pruning", "one-shot, unstructured, every conv/linear weight (biases kept), no retraining; "
                        + "scores computed once on the dense model")
                .config("scoring_data", scoringBatches + " batches of 100 training images (gradient, Taylor)")
                .config("loss", "mean test cross-entropy; ΔL = pruned − dense");
        List<Minibatch> batches = PruningKit.scoringBatches(data.train(), norm, scoringBatches, 100, ctx.rng().split());
        Inputs inputs = new Inputs(batches, ctx.seed());

        try (DataLoader<LabelledBatch> testLoader = Data.evalLoader(test, norm)) {
            for (Pretrained.Architecture arch : models) {
                Sequential net = Pretrained.obtain(ctx, Pretrained.Recipe.fashionMnist(arch, ctx),
                        data.train()).net();
                Map<String, Parameter> weights = Pruning.prunableWeights(net);
                Map<String, Tensor> dense = PruningKit.snapshot(net);
                Training.Evaluation denseEval = ctx.stage("evaluate", () -> Training.evaluate(net, testLoader));
                ctx.log("%s dense: test accuracy %s, loss %.4f", arch.displayName(), pct(denseEval.accuracy()),
                        denseEval.loss());
                ctx.report().metric(arch.id() + "_dense_accuracy", denseEval.accuracy())
                        .metric(arch.id() + "_dense_loss", denseEval.loss());

                // results[scope][method][level]
                Training.Evaluation[][][] results = new Training.Evaluation[ScopeKind.values().length][METHODS.size()][];
                for (int m = 0; m < METHODS.size(); m++) {
                    Method method = METHODS.get(m);
                    if (method.isPending()) {
                        continue;
                    }
                    PruningKit.restore(net, dense);
                    Scores scores = ctx.stage("score " + method.name(),
                            () -> method.factory().apply(inputs).scores(net, weights));
                    for (ScopeKind scope : ScopeKind.values()) {
                        Training.Evaluation[] perLevel = new Training.Evaluation[LEVELS.length];
                        for (int i = 0; i < LEVELS.length; i++) {
                            PruningKit.restore(net, dense);
                            scope.pruner(LEVELS[i]).prune(weights, scores);
                            perLevel[i] = ctx.stage("evaluate", () -> Training.evaluate(net, testLoader));
                            Map<String, Object> row = new LinkedHashMap<>();
                            row.put("model", arch.displayName());
                            row.put("scope", scope.label);
                            row.put("criterion", method.name());
                            row.put("sparsity", LEVELS[i]);
                            row.put("accuracy", perLevel[i].accuracy());
                            row.put("loss", perLevel[i].loss());
                            row.put("loss_change", perLevel[i].loss() - denseEval.loss());
                            ctx.report().row(row);
                        }
                        results[scope.ordinal()][m] = perLevel;
                        ctx.log("%s, %s %s: %s", arch.displayName(), scope.label, method.name(),
                                String.join(" ", java.util.Arrays.stream(perLevel).map(e -> pct(e.accuracy())).toList()));
                        String key = fmt("%s_%s_%s_accuracy_", arch.id(), scope.name().toLowerCase(), method.name()
                                .toLowerCase());
                        for (int i = 0; i < LEVELS.length; i++) {
                            ctx.report().metric(key + Math.round(100 * LEVELS[i]), perLevel[i].accuracy());
                        }
                    }
                }
                PruningKit.restore(net, dense);
                for (ScopeKind scope : ScopeKind.values()) {
                    writeTable(ctx, arch, scope, denseEval, results[scope.ordinal()]);
                    writePlot(ctx, arch, scope, denseEval, results[scope.ordinal()]);
                }
            }
        }
        StringBuilder legend = new StringBuilder("Criteria:\n\n");
        for (Method m : METHODS) {
            legend.append("- **").append(m.name()).append("**: ").append(m.source()).append('\n');
        }
        legend.append("\nEach cell: test accuracy (ΔL, the change of the mean test cross-entropy from the dense "
                + "model). What the papers report, for comparison: OBD (LeCun et al. 1989, Fig. 1a: digits, "
                + "objective against parameters deleted) — deleting by saliency raises the objective far less than "
                + "by magnitude, and random deletion is so bad that it cannot be shown on the same scale; Molchanov "
                + "et al. 2017 rank first-order Taylor first among their criteria for feature maps (with fine-tuning "
                + "between steps; not this per-weight, no-retraining setting). The lecture's conclusion: the choice "
                + "matters, magnitude is the baseline, better criteria need data and compute.\n");
        ctx.report().text(legend.toString());
    }

    private static void writeTable(RunContext ctx, Pretrained.Architecture arch, ScopeKind scope,
                                   Training.Evaluation dense, Training.Evaluation[][] results) {
        List<String> columns = new ArrayList<>(List.of("sparsity"));
        METHODS.forEach(m -> columns.add(m.name()));
        List<List<?>> body = new ArrayList<>();
        body.add(dense(dense));
        for (int i = 0; i < LEVELS.length; i++) {
            List<Object> row = new ArrayList<>(List.of(fmt("%.0f%%", 100 * LEVELS[i])));
            for (int m = 0; m < METHODS.size(); m++) {
                Training.Evaluation e = results[m] == null ? null : results[m][i];
                row.add(e == null ? "pending" : fmt("%s (%+.3f)", pct(e.accuracy()), e.loss() - dense.loss()));
            }
            body.add(row);
        }
        ctx.report().table(fmt("%s, %s one-shot pruning without retraining: test accuracy (ΔL)", arch.displayName(),
                scope.label), columns, body);
    }

    private static List<Object> dense(Training.Evaluation dense) {
        List<Object> row = new ArrayList<>(List.of("0% (dense)"));
        for (int m = 0; m < METHODS.size(); m++) {
            row.add(fmt("%s (loss %.3f)", pct(dense.accuracy()), dense.loss()));
        }
        return row;
    }

    private static void writePlot(RunContext ctx, Pretrained.Architecture arch, ScopeKind scope,
                                  Training.Evaluation dense, Training.Evaluation[][] results) throws Exception {
        List<Plots.Series> series = new ArrayList<>();
        for (int m = 0; m < METHODS.size(); m++) {
            if (results[m] == null) {
                continue;
            }
            double[] x = new double[LEVELS.length + 1];
            double[] y = new double[LEVELS.length + 1];
            y[0] = 100 * dense.accuracy();
            for (int i = 0; i < LEVELS.length; i++) {
                x[i + 1] = 100 * LEVELS[i];
                y[i + 1] = 100 * results[m][i].accuracy();
            }
            series.add(new Plots.Series(METHODS.get(m).name(), x, y));
        }
        String file = fmt("accuracy-%s-%s.png", arch.id(), scope.name().toLowerCase().replace('_', '-'));
        Plots.line(ctx.report().dir().resolve(file), fmt("%s on Fashion-MNIST, %s one-shot pruning, no retraining",
                arch.displayName(), scope.label), "weights pruned (%)", "test accuracy (%)", series);
        ctx.report().plot(file, fmt("%s, %s: test accuracy against sparsity, one line per criterion",
                arch.displayName(), scope.label));
    }

}
