package org.secateur.experiments;

import static org.secateur.experiments.PruningKit.fmt;
import static org.secateur.experiments.PruningKit.pct;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.secateur.datasets.DataLoader;
import org.secateur.datasets.ImageDataset;
import org.secateur.datasets.ImageSet;
import org.secateur.datasets.LabelledBatch;
import org.secateur.datasets.Normalization;
import org.secateur.datasets.TrainTest;
import org.secateur.autograd.GradMode;
import org.secateur.nn.Losses;
import org.secateur.nn.Module;
import org.secateur.nn.Models;
import org.secateur.nn.Parameter;
import org.secateur.nn.Sequential;
import org.secateur.sparsity.Criterion;
import org.secateur.sparsity.Minibatch;
import org.secateur.sparsity.Pruner;
import org.secateur.sparsity.Pruning;
import org.secateur.sparsity.Scores;
import org.secateur.sparsity.criteria.Grasp;
import org.secateur.sparsity.criteria.Magnitude;
import org.secateur.sparsity.criteria.RandomScore;
import org.secateur.sparsity.criteria.Snip;
import org.secateur.sparsity.criteria.SynFlow;
import org.secateur.sparsity.report.LayerSparsity;
import org.secateur.sparsity.report.SparsityReport;
import org.secateur.sparsity.train.Schedule;
import org.secateur.sparsity.train.ScheduledPruning;
import org.secateur.tensor.Tensor;

/**
 * Pruning at initialisation (seed §2): LeNet-300-100 pruned before any training, by random, magnitude, SNIP (Lee et
 * al. 2019), GraSP (Wang et al. 2020) and iterative SynFlow (Tanaka et al. 2020, 100 rounds; as the reference code,
 * and with a flow that leaves out the biases, the setting of its theorem), at 90, 95, 98 and 99.5%,
 * then trained on Fashion-MNIST with the masks kept; and a sweep of the masks alone up to 100,000x compression for
 * the largest compression at which no layer is cut off completely (SynFlow's layer collapse). All methods prune
 * globally (one ranking over the three weight matrices, biases kept) and start from the same initial weights.
 */
final class PruneAtInit implements Experiment {
    static final double[] LEVELS = {0.9, 0.95, 0.98, 0.995};

    /** SNIP's Table 2 (LeNet-300-100 on MNIST, a far longer schedule): error at 95% and 98% pruned. */
    static final Map<Double, Double> SNIP_PAPER_ERROR = Map.of(0.95, 0.016, 0.98, 0.024);

    /** What a criterion is built from. */
    record Inputs(List<Minibatch> batches, long seed) {}

    /** A pruning-at-initialisation method: a criterion and its number of rounds (quick, full). */
    record Method(String name, String source, Function<Inputs, Criterion> factory, int quickRounds, int fullRounds) {}

    static final List<Method> METHODS = List.of(
            new Method("random", "uniform scores", in -> new RandomScore(in.seed()), 1, 1),
            new Method("magnitude", "|w| at initialisation", in -> new Magnitude(), 1, 1),
            new Method("SNIP", "|dL/dw · w|, one batch of 100 (Lee et al. 2019)",
                    in -> new Snip(in.batches(), Losses::crossEntropy), 1, 1),
            new Method("GraSP", "w · Hg, lowest pruned, one batch of 100 (Wang et al. 2020)",
                    in -> new Grasp(in.batches(), Losses::crossEntropy), 1, 1),
            new Method("SynFlow", "|w · dR/dw| on |w| (biases included, as the reference code) and an all-ones "
                    + "input, iterative (Tanaka et al. 2020)", in -> new SynFlow(784), 10, 100),
            new Method("SynFlow, bias-free flow", "SynFlow with the biases set to 0 while scoring, the setting of its "
                    + "conservation theorem (the trained net keeps its biases)",
                    in -> new WithoutBiases(new SynFlow(784)), 10, 100));

    /**
     * Scores with {@code inner} while every bias of the model is 0, then restores the biases bit for bit. For SynFlow
     * this is the flow of Tanaka et al.'s Theorem 2 (no biases): with them, the synaptic flow R also runs through
     * bias paths that do not reach the input, so a unit cut off from its inputs keeps scoring through its bias.
     */
    record WithoutBiases(Criterion inner) implements Criterion {
        @Override
        public Scores scores(Module model, Map<String, Parameter> params) {
            List<Tensor> biases = model.namedParameters().entrySet().stream()
                    .filter(e -> e.getKey().endsWith("bias")).map(e -> e.getValue().data()).toList();
            List<Tensor> saved = biases.stream().map(Tensor::copy).toList();
            try {
                try (var off = GradMode.noGrad()) {
                    biases.forEach(b -> b.copyFromInPlace(Tensor.zeros(b.dtype(), b.shape())));
                }
                return inner.scores(model, params);
            } finally {
                try (var off = GradMode.noGrad()) {
                    for (int i = 0; i < biases.size(); i++) {
                        biases.get(i).copyFromInPlace(saved.get(i));
                    }
                }
            }
        }
    }

    @Override
    public String name() {
        return "prune-at-init";
    }

    @Override
    public String description() {
        return "LeNet-300-100 (Fashion-MNIST) pruned at initialisation by random, magnitude, SNIP, GraSP and SynFlow at "
                + "90-99.5%, then trained; the largest compression without layer collapse";
    }

    @Override
    public String reproduces() {
        return "seed §2 (SNIP, GraSP) with SynFlow: SNIP LeNet-300-100 error 1.6% at 95% and 2.4% at 98% (MNIST); "
                + "SynFlow avoids layer collapse";
    }

    @Override
    public void run(RunContext ctx) throws Exception {
        boolean quick = ctx.quick();
        TrainTest<ImageDataset> data = ctx.stage("load data", () -> Data.load(ctx, ImageSet.FASHION_MNIST));
        ImageDataset train = Data.quickSubset(ctx, data.train(), 4096);
        ImageDataset test = Data.quickSubset(ctx, data.test(), 2000);
        Normalization norm = Normalization.FASHION_MNIST;
        int epochs = quick ? 3 : 10;
        double lr = 0.05;
        Sequential net = Models.lenet300100(ctx.rng().split());
        Map<String, Parameter> weights = Pruning.prunableWeights(net);
        Map<String, Tensor> init = PruningKit.snapshot(net);
        Inputs inputs = new Inputs(PruningKit.scoringBatches(data.train(), norm, 1, 100, ctx.rng().split()), ctx.seed());
        double[] grid = compressionGrid(quick);
        ctx.report().config("dataset", "Fashion-MNIST (SNIP's numbers are on MNIST, not available offline)")
                .config("train_examples", train.size()).config("test_examples", test.size())
                .config("model", "LeNet-300-100, PyTorch's default initialisation (Kaiming-uniform, a = sqrt(5))")
                .config("pruning", "global, unstructured, the three weight matrices (266,200 weights; biases kept), "
                        + "before any training, from the same initial weights for every method")
                .config("rounds", METHODS.stream().map(m -> m.name() + " " + (quick ? m.quickRounds() : m.fullRounds()))
                        .toList())
                .config("scoring_data", "one batch of 100 training images (SNIP, GraSP)")
                .config("training", epochs + " epochs, SGD momentum 0.9, weight decay 5e-4, lr " + lr
                        + " cosine to 0, batch 128, masks kept")
                .config("levels", LEVELS).config("collapse_grid", grid);

        // 1. masks alone: every method over the compression grid, for layer collapse
        Map<String, Map<Double, Tensor[]>> masksAtLevels = new LinkedHashMap<>();
        Map<String, Collapse> collapse = new LinkedHashMap<>();
        Map<String, SparsityReport> at995 = new LinkedHashMap<>();
        for (Method m : METHODS) {
            int rounds = quick ? m.quickRounds() : m.fullRounds();
            Map<Double, Tensor[]> kept = new LinkedHashMap<>();
            Collapse c = ctx.stage("masks " + m.name(), () -> {
                double critical = 0;
                double firstCollapse = Double.NaN;
                List<String> cut = List.of();
                boolean intact = true;
                for (double compression : grid) {
                    PruningKit.restore(net, init);
                    double sparsity = 1 - 1 / compression;
                    new ScheduledPruning(net, weights, m.factory().apply(inputs), Pruner.global(sparsity),
                            Schedule.atInit(rounds)).applyDue(0);
                    SparsityReport r = SparsityReport.of(net, 784);
                    List<String> collapsed = r.collapsedLayers();
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("part", "collapse sweep");
                    row.put("method", m.name());
                    row.put("compression", compression);
                    for (LayerSparsity l : r.layers()) {
                        row.put(l.name() + "_kept", l.nonZeros());
                    }
                    row.put("collapsed", String.join(" ", collapsed));
                    ctx.report().row(row);
                    if (intact && collapsed.isEmpty()) {
                        critical = compression;
                    } else if (intact) {
                        intact = false;
                        firstCollapse = compression;
                        cut = collapsed;
                    }
                    for (double level : LEVELS) {
                        if (Math.abs(compression - 1 / (1 - level)) < 1e-6 * compression) {
                            kept.put(level, weights.values().stream().map(p -> p.mask().copy()).toArray(Tensor[]::new));
                            if (level == 0.995) {
                                at995.put(m.name(), r);
                            }
                        }
                    }
                }
                return new Collapse(critical, firstCollapse, cut);
            });
            masksAtLevels.put(m.name(), kept);
            collapse.put(m.name(), c);
            ctx.log("%s: no layer collapse up to %s; first collapse %s", m.name(), compressionLabel(c.critical()),
                    Double.isNaN(c.firstCollapse()) ? "never (up to the grid's end)"
                            : "at " + compressionLabel(c.firstCollapse()) + " (" + c.cut() + ")");
            ctx.report().metric(key(m) + "_critical_compression", c.critical());
        }

        // 2. train the pruned nets
        Map<String, double[]> accuracy = new LinkedHashMap<>();
        double denseAcc;
        try (DataLoader<LabelledBatch> trainLoader = Data.trainLoader(train, norm, 128, ctx.seed());
             DataLoader<LabelledBatch> testLoader = Data.evalLoader(test, norm)) {
            PruningKit.restore(net, init);
            ctx.stage("train dense", () -> {
                PruningKit.retrain(ctx, net, trainLoader, epochs, lr, 0, "dense");
                return null;
            });
            denseAcc = ctx.stage("evaluate", () -> Training.evaluate(net, testLoader)).accuracy();
            ctx.log("dense: %s", pct(denseAcc));
            ctx.report().metric("dense_accuracy", denseAcc);
            ctx.report().row(Map.of("part", "training", "method", "dense", "sparsity", 0.0, "accuracy", denseAcc));
            for (Method m : METHODS) {
                double[] acc = new double[LEVELS.length];
                for (int i = 0; i < LEVELS.length; i++) {
                    double level = LEVELS[i];
                    PruningKit.restore(net, init);
                    Tensor[] masks = masksAtLevels.get(m.name()).get(level);
                    int k = 0;
                    for (Parameter p : weights.values()) {
                        p.setMask(masks[k++]);
                    }
                    String label = fmt("%s %.1f%%", m.name(), 100 * level);
                    ctx.stage("train " + m.name(), () -> {
                        PruningKit.retrain(ctx, net, trainLoader, epochs, lr, 0, label);
                        return null;
                    });
                    acc[i] = ctx.stage("evaluate", () -> Training.evaluate(net, testLoader)).accuracy();
                    SparsityReport r = SparsityReport.of(net, 784);
                    ctx.log("%s: %s (%s of the weights kept)", label, pct(acc[i]), pct(1 - r.sparsity()));
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("part", "training");
                    row.put("method", m.name());
                    row.put("sparsity", level);
                    row.put("achieved_sparsity", r.sparsity());
                    row.put("accuracy", acc[i]);
                    ctx.report().row(row);
                    ctx.report().metric(fmt("%s_accuracy_%s", key(m), levelKey(level)), acc[i]);
                }
                accuracy.put(m.name(), acc);
            }
        }

        // 3. report
        List<String> columns = new ArrayList<>(List.of("method"));
        for (double level : LEVELS) {
            columns.add(fmt("%s%% (%sx)", trim(100 * level), trim(1 / (1 - level))));
        }
        List<List<?>> body = new ArrayList<>();
        List<Object> denseRow = new ArrayList<>(List.of("dense (no pruning)"));
        for (double ignored : LEVELS) {
            denseRow.add(pct(denseAcc));
        }
        body.add(denseRow);
        for (Method m : METHODS) {
            List<Object> row = new ArrayList<>(List.of(m.name()));
            for (double a : accuracy.get(m.name())) {
                row.add(pct(a));
            }
            body.add(row);
        }
        List<Object> paper = new ArrayList<>(List.of("SNIP, Lee et al. 2019 (MNIST, ~250k iterations)"));
        for (double level : LEVELS) {
            Double err = SNIP_PAPER_ERROR.get(level);
            paper.add(err == null ? "—" : pct(1 - err));
        }
        body.add(paper);
        ctx.report().table(fmt("LeNet-300-100 on Fashion-MNIST, pruned at initialisation, then trained %d epochs: "
                + "test accuracy", epochs), columns, body);
        ctx.report().text("SNIP's row is from its Table 2 (MNIST, error 1.6% at 95% and 2.4% at 98% pruned, as "
                + "accuracy); no paper reports LeNet-300-100 on Fashion-MNIST. GraSP and SynFlow report CIFAR and "
                + "Tiny-ImageNet only. A pruned layer's surviving weights train as usual; a collapsed layer (no "
                + "weight left) leaves only its bias, so the net predicts one class whatever the input.");

        List<List<?>> collapseTable = new ArrayList<>();
        for (Method m : METHODS) {
            Collapse c = collapse.get(m.name());
            SparsityReport r = at995.get(m.name());
            collapseTable.add(List.of(m.name(), compressionLabel(c.critical()),
                    Double.isNaN(c.firstCollapse()) ? "none up to " + compressionLabel(grid[grid.length - 1])
                            : compressionLabel(c.firstCollapse()) + ": " + String.join(", ", layerNames(c.cut())),
                    r == null ? "—" : String.join(" / ", r.layers().stream().map(l -> fmt("%,d", l.nonZeros())).toList())));
        }
        ctx.report().table("Layer collapse: the largest compression at which no layer is cut off completely",
                List.of("method", "largest compression without collapse", "first collapse (layers cut)",
                        "weights kept in fc1 / fc2 / fc3 at 99.5% (200x)"), collapseTable);
        ctx.report().text(fmt("Compressions tried: %s (weights / weights kept; 266,200 weights, so 100,000x keeps "
                + "3). \"Largest without collapse\" is the last one before the first collapse. Tanaka et al. 2020 "
                + "(Fig. 1 and 6, VGG and ResNet on CIFAR/Tiny-ImageNet; figures only): random, magnitude, SNIP and "
                + "GraSP collapse a layer well before the maximal compression, iterative SynFlow reaches it. Their conservation "
                + "law holds for nets without biases; the reference code nevertheless takes |b| of the biases into the "
                + "flow, and so does our SynFlow row. The bias-free row scores the same net with its biases set to 0.",
                String.join(", ", Arrays.stream(grid).mapToObj(PruneAtInit::compressionLabel).toList())));

        List<Plots.Series> series = new ArrayList<>();
        double[] x = Arrays.stream(LEVELS).map(l -> Math.log10(1 / (1 - l))).toArray();
        series.add(new Plots.Series("dense", new double[] {x[0], x[x.length - 1]},
                new double[] {100 * denseAcc, 100 * denseAcc}));
        accuracy.forEach((name, acc) -> series.add(new Plots.Series(name, x, Arrays.stream(acc).map(a -> 100 * a).toArray())));
        Plots.line(ctx.report().dir().resolve("accuracy.png"), "LeNet-300-100 pruned at initialisation, then trained",
                "log10 compression (1 = 90%, 1.3 = 95%, 1.7 = 98%, 2.3 = 99.5% pruned)", "test accuracy (%)", series);
        ctx.report().plot("accuracy.png", "test accuracy after training against compression, one line per method");
    }

    /** The sweep's result for one method: the last compression without collapse, the first with it, what was cut. */
    record Collapse(double critical, double firstCollapse, List<String> cut) {}

    /**
     * Compressions from 10x to 100,000x, 10^(k/4) (10^(k/2) in quick mode), with the training levels' compressions.
     */
    static double[] compressionGrid(boolean quick) {
        TreeSet<Double> grid = new TreeSet<>();
        int steps = quick ? 2 : 4;
        for (int k = steps; k <= 5 * steps; k++) {
            grid.add(Math.pow(10, (double) k / steps));
        }
        for (double level : LEVELS) {
            double c = 1 / (1 - level);
            if (grid.stream().noneMatch(g -> Math.abs(g - c) < 1e-6 * c)) {
                grid.add(c);
            }
        }
        return grid.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String compressionLabel(double c) {
        return c == 0 ? "none" : c >= 100 ? fmt("%,.0fx", c) : fmt("%.1fx", c);
    }

    private static List<String> layerNames(List<String> weights) {
        Map<String, String> names = Map.of("1.weight", "fc1", "3.weight", "fc2", "5.weight", "fc3");
        return weights.stream().map(w -> names.getOrDefault(w, w)).toList();
    }

    /** {@code SynFlow, bias-free flow} as {@code synflow_bias_free_flow}. */
    static String key(Method m) {
        return m.name().toLowerCase().replaceAll("[^a-z0-9]+", "_");
    }

    private static String levelKey(double level) {
        return trim(100 * level).replace('.', '_');
    }

    /** {@code 90.0} as {@code 90}, {@code 99.5} as {@code 99.5}. */
    private static String trim(double v) {
        return Math.abs(v - Math.rint(v)) < 1e-9 ? fmt("%.0f", v) : fmt("%.1f", v);
    }
}
