package org.secateur.experiments;

import static org.secateur.experiments.PruningKit.fmt;
import static org.secateur.experiments.PruningKit.pct;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.secateur.datasets.ImageDataset;
import org.secateur.datasets.ImageSet;
import org.secateur.datasets.Normalization;
import org.secateur.datasets.TrainTest;
import org.secateur.nn.Activation;
import org.secateur.nn.Losses;
import org.secateur.nn.Models;
import org.secateur.nn.Parameter;
import org.secateur.nn.Sequential;
import org.secateur.sparsity.Criterion;
import org.secateur.sparsity.Loss;
import org.secateur.sparsity.Pruner;
import org.secateur.sparsity.Pruning;
import org.secateur.sparsity.Scores;
import org.secateur.sparsity.criteria.Magnitude;
import org.secateur.sparsity.criteria.RandomScore;
import org.secateur.sparsity.secondorder.Curvature;
import org.secateur.sparsity.secondorder.CurvatureDiagonal;
import org.secateur.sparsity.secondorder.Obd;
import org.secateur.sparsity.secondorder.Objective;
import org.secateur.sparsity.secondorder.ParameterVector;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/**
 * Optimal Brain Damage (LeCun, Denker &amp; Solla 1989), Figures 1 and 2, on a net of OBD's size: a 49-40-10 tanh MLP
 * (2,410 parameters; OBD's digit net had 2,578 free parameters) on Fashion-MNIST average-pooled to 7x7 (MNIST is not
 * available offline, and OBD's own zip-code digits never were), 5,000 training images, trained to a minimum of the
 * training objective, cross-entropy plus a small L2 term (Adam, then trust-region Newton steps with exact
 * Hessian-vector products until the gradient norm is below 1e-6), so that OBD's assumption of a zero gradient holds.
 *
 * <p>Figure 1: the weights deleted 5 to 90% at once (globally over both weight matrices, biases kept), without
 * retraining, by OBD's saliency {@code 1/2 h_ii w_i^2} with the exact Hessian diagonal and with the Gauss-Newton
 * diagonal (LeCun's Levenberg-Marquardt approximation), by magnitude and at random; the actual increase of the training
 * loss (Fig. 1a), and OBD's prediction, the sum of the deleted saliencies, against it (Fig. 1b), beside the full
 * quadratic model {@code 1/2 dw^T H dw} (one Hessian-vector product per mask) that separates the diagonal
 * approximation's error from the higher-order terms'. Figure 2: iterative OBD, 10% of the weights per round with a
 * short retraining after each, against iterative magnitude pruning with the same retraining.
 */
final class OptimalBrainDamage implements Experiment {
    static final double[] LEVELS = {0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
    static final int POOL = 4;
    /** The L2 coefficient of the objective (on the weights): small, but it makes the minimum well defined. */
    static final double DECAY = 3e-3;
    static final double RETRAIN_LR = 0.005;

    /** A one-shot criterion: its name and how to score the dense net. */
    private record Method(String name, String key, Criterion criterion, boolean obd) {}

    /** One one-shot cell. */
    private record Cell(double actual, double predictedDiagonal, double predictedQuadratic, double predictedOwn,
                        double testAccuracy, double testLoss, int deleted) {}

    /** One round of the iterative runs. */
    private record Round(double sparsity, double prunedTrainLoss, double prunedTestAccuracy, double trainLoss,
                         double testLoss, double testAccuracy) {}

    @Override
    public String name() {
        return "obd";
    }

    @Override
    public String description() {
        return "Optimal Brain Damage on a 2,410-parameter MLP (Fashion-MNIST pooled to 7x7): loss increase of deleting "
                + "5-90% by OBD (exact Hessian and Gauss-Newton diagonals), magnitude and random; OBD's prediction "
                + "against the actual; iterative OBD with retraining";
    }

    @Override
    public String reproduces() {
        return "LeCun, Denker & Solla 1989, Fig. 1a (saliency beats magnitude, random far worse), Fig. 1b (prediction "
                + "agrees up to ~30% deleted) and Fig. 2 (with retraining, performance kept up to ~60% deleted)";
    }

    @Override
    public void run(RunContext ctx) throws Exception {
        boolean quick = ctx.quick();
        int trainSize = quick ? 2000 : 5000;
        int testSize = quick ? 2000 : 10_000;
        int hidden = quick ? 12 : 40;
        int adamSteps = quick ? 1000 : 2000;
        int rounds = 9;
        int retrainSteps = quick ? 50 : 200;
        int scoringSize = quick ? 2000 : 2000;
        Normalization norm = Normalization.FASHION_MNIST;
        TrainTest<ImageDataset> data = ctx.stage("load data", () -> Data.load(ctx, ImageSet.FASHION_MNIST));
        Rng rng = ctx.rng().split();
        int[] trainIdx = SecondOrderKit.sample(data.train().size(), trainSize, rng.split());
        int[] testIdx = SecondOrderKit.sample(data.test().size(), testSize, rng.split());
        SecondOrderKit.Table train = SecondOrderKit.pooled(data.train(), trainIdx, POOL, norm);
        SecondOrderKit.Table test = SecondOrderKit.pooled(data.test(), testIdx, POOL, norm);
        int inputs = train.x().size(1);
        Sequential net = SecondOrderKit.f64(Models.mlp(rng.split(), Activation::tanh, inputs, hidden, 10));
        Map<String, Parameter> weights = Pruning.prunableWeights(net);
        int weightCount = weights.values().stream().mapToInt(Parameter::numel).sum();
        Loss ce = SecondOrderKit.withL2(Losses::crossEntropy, weights, DECAY);
        // the training objective in all parameters (for the minimum) and in the weights (for the pruning maths)
        Objective all = Objective.of(net, net.namedParameters(), train.batches(), ce);
        Objective inWeights = Objective.of(net, weights, train.batches(), ce);
        ctx.report().config("dataset", fmt("Fashion-MNIST average-pooled %dx%d to %dx%d (MNIST is not available offline)",
                        28, 28, 28 / POOL, 28 / POOL))
                .config("train_examples", trainSize).config("test_examples", testSize)
                .config("model", fmt("MLP %d-%d-10, tanh, float64, %d parameters (%d weights, %d biases)", inputs,
                        hidden, net.parameterCount(), weightCount, net.parameterCount() - weightCount))
                .config("loss", fmt("mean cross-entropy over the training examples + %s/2 |w|² on the weights (the "
                        + "objective OBD expands; the L2 term makes its minimum well defined)", DECAY))
                .config("training", fmt("full-batch Adam lr 0.01 (cosine) for %d steps, then trust-region Newton "
                        + "steps (Steihaug CG on exact Hessian-vector products) until |grad| < 1e-6", adamSteps))
                .config("one_shot", "global over the weight matrices (biases kept), no retraining; levels " +
                        java.util.Arrays.toString(LEVELS))
                .config("iterative", fmt("%d rounds of +10%% of the weights, OBD with the Gauss-Newton diagonal on %d "
                        + "training examples recomputed each round, then %d full-batch Adam steps (lr %s, cosine), "
                        + "masks kept; magnitude with the same schedule as the control", rounds,
                        Math.min(scoringSize, trainSize), retrainSteps, RETRAIN_LR));

        SecondOrderKit.Minimum minimum = ctx.stage("train to a minimum", () -> {
            try (Progress p = ctx.progress("Adam", adamSteps, "steps")) {
                SecondOrderKit.adam(net, net.parameters(), train, ce, adamSteps, 0.01, p);
            }
            try (Progress p = ctx.progress("Newton (at most)", 200, "steps")) {
                return SecondOrderKit.newton(all, 1e-6, 200, 500, p);
            }
        });
        double denseLoss = all.value();
        double denseTestLoss = SecondOrderKit.loss(net, test, ce);
        double denseAcc = SecondOrderKit.accuracy(net, test);
        double denseTrainAcc = SecondOrderKit.accuracy(net, train);
        ctx.log("dense: train loss %.5f, |grad| %.2e after %d Newton steps (%d Hessian-vector products); test "
                        + "accuracy %s, train accuracy %s", denseLoss, minimum.gradientNorm(), minimum.iterations(),
                minimum.products(), pct(denseAcc), pct(denseTrainAcc));
        ctx.report().metric("dense_train_loss", denseLoss).metric("dense_test_loss", denseTestLoss)
                .metric("dense_accuracy", denseAcc).metric("dense_train_accuracy", denseTrainAcc)
                .metric("gradient_norm", minimum.gradientNorm()).metric("newton_steps", minimum.iterations());
        Map<String, Tensor> dense = PruningKit.snapshot(net);

        // Figure 1: one-shot deletion without retraining
        Scores.PerEntry hSaliency = ctx.stage("OBD saliency, exact Hessian diagonal",
                () -> obdSaliency(ctx, "exact Hessian diagonal", Curvature::hessian, train, ce, net, weights));
        Scores.PerEntry gnSaliency = ctx.stage("OBD saliency, Gauss-Newton diagonal",
                () -> obdSaliency(ctx, "Gauss-Newton diagonal", Curvature::gaussNewton, train, ce, net, weights));
        countNegative(ctx, hSaliency);
        List<Method> methods = List.of(
                new Method("OBD (exact Hessian diagonal)", "obd_hessian", (m, p) -> hSaliency, true),
                new Method("OBD (Gauss-Newton diagonal)", "obd_gauss_newton", (m, p) -> gnSaliency, true),
                new Method("magnitude", "magnitude", new Magnitude(), false),
                new Method("random", "random", new RandomScore(ctx.seed()), false));
        Curvature h = Curvature.hessian(inWeights);
        ParameterVector pv = inWeights.params();
        double[] w0 = pv.values();
        Map<String, Cell[]> cells = new LinkedHashMap<>();
        ctx.stage("one-shot deletion", () -> {
            for (Method m : methods) {
                Scores.PerEntry s = (Scores.PerEntry) m.criterion().scores(net, weights);
                Cell[] row = new Cell[LEVELS.length];
                for (int i = 0; i < LEVELS.length; i++) {
                    PruningKit.restore(net, dense);
                    Map<String, Tensor> masks = Pruner.global(LEVELS[i]).computeMasks(weights, s);
                    double predDiag = Obd.predictedIncrease(hSaliency, weights, masks);
                    double predOwn = m.obd() ? Obd.predictedIncrease(s, weights, masks) : Double.NaN;
                    masks.forEach((name, mask) -> weights.get(name).setMask(mask));
                    double[] dw = pv.values();
                    for (int e = 0; e < dw.length; e++) {
                        dw[e] -= w0[e];
                    }
                    double quad = 0.5 * SecondOrderKit.dot(dw, h.times(dw));
                    double actual = inWeights.value() - denseLoss;
                    row[i] = new Cell(actual, predDiag, quad, predOwn, SecondOrderKit.accuracy(net, test),
                            SecondOrderKit.loss(net, test, ce), (int) Math.rint(LEVELS[i] * weightCount));
                    Map<String, Object> csv = new LinkedHashMap<>();
                    csv.put("part", "one-shot");
                    csv.put("method", m.name());
                    csv.put("deleted_fraction", LEVELS[i]);
                    csv.put("weights_deleted", row[i].deleted());
                    csv.put("train_loss_increase", actual);
                    csv.put("predicted_increase_own_saliency", m.obd() ? predOwn : "");
                    csv.put("predicted_increase_hessian_diagonal", predDiag);
                    csv.put("predicted_increase_full_quadratic", quad);
                    csv.put("test_accuracy", row[i].testAccuracy());
                    csv.put("test_loss", row[i].testLoss());
                    ctx.report().row(csv);
                    int pctLevel = (int) Math.round(100 * LEVELS[i]);
                    ctx.report().metric(m.key() + "_actual_" + pctLevel, actual)
                            .metric(m.key() + "_accuracy_" + pctLevel, row[i].testAccuracy());
                    if (m.obd()) {
                        ctx.report().metric(m.key() + "_predicted_" + pctLevel, predOwn);
                    }
                    ctx.report().metric(m.key() + "_quadratic_" + pctLevel, quad);
                }
                cells.put(m.name(), row);
                ctx.log("%s: actual dL %s", m.name(), java.util.Arrays.stream(row)
                        .map(c -> fmt("%.3g", c.actual())).toList());
            }
            return null;
        });
        PruningKit.restore(net, dense);

        // Figure 2: iterative deletion with retraining
        SecondOrderKit.Table scoring = trainSize <= scoringSize ? train
                : SecondOrderKit.pooled(data.train(), java.util.Arrays.copyOf(trainIdx, scoringSize), POOL, norm);
        Obd iterativeObd = new Obd(scoring.batches(), ce, CurvatureDiagonal.exact(Curvature::gaussNewton));
        List<Round> obdRounds = ctx.stage("iterative OBD with retraining",
                () -> iterate(ctx, net, weights, train, test, iterativeObd, rounds, retrainSteps, "OBD"));
        PruningKit.restore(net, dense);
        List<Round> magRounds = ctx.stage("iterative magnitude with retraining",
                () -> iterate(ctx, net, weights, train, test, new Magnitude(), rounds, retrainSteps, "magnitude"));
        PruningKit.restore(net, dense);
        for (int r = 0; r < rounds; r++) {
            int level = (int) Math.round(100 * obdRounds.get(r).sparsity());
            ctx.report().metric("iterative_obd_accuracy_" + level, obdRounds.get(r).testAccuracy())
                    .metric("iterative_magnitude_accuracy_" + level, magRounds.get(r).testAccuracy());
        }

        writeTables(ctx, cells, denseLoss, denseAcc, denseTestLoss, weightCount, obdRounds, magRounds,
                (int) net.parameterCount());
        writePlots(ctx, cells, obdRounds, magRounds, denseAcc, denseLoss, denseTestLoss);
    }

    /** OBD's saliencies with the exact diagonal of {@code curvature}, one product per weight, shown as progress. */
    private static Scores.PerEntry obdSaliency(RunContext ctx, String what,
                                               Function<Objective, ? extends Curvature> curvature,
                                               SecondOrderKit.Table train, Loss loss, Sequential net,
                                               Map<String, Parameter> weights) {
        int products = ParameterVector.of(weights).aliveIndices().length;  // one per unpruned weight
        try (Progress p = ctx.progress(what, products, "products")) {
            Obd obd = new Obd(train.batches(), loss,
                    CurvatureDiagonal.exact(o -> new ProgressCurvature(curvature.apply(o), p)));
            return obd.scores(net, weights);
        }
    }

    private static void countNegative(RunContext ctx, Scores.PerEntry s) {
        int negative = 0;
        int n = 0;
        for (Tensor t : s.values().values()) {
            for (int i = 0; i < t.numel(); i++) {
                negative += t.getFlat(i) < 0 ? 1 : 0;
                n++;
            }
        }
        ctx.report().metric("negative_hessian_saliencies", negative);
        ctx.log("exact Hessian diagonal: %d of %d saliencies negative", negative, n);
    }

    /** Prunes to 10%, 20%, ... of the weights, each round scoring the current net and retraining it. */
    private static List<Round> iterate(RunContext ctx, Sequential net, Map<String, Parameter> weights,
                                       SecondOrderKit.Table train, SecondOrderKit.Table test, Criterion criterion,
                                       int rounds, int retrainSteps, String label) {
        Loss ce = SecondOrderKit.withL2(Losses::crossEntropy, weights, DECAY);
        List<Round> out = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            double sparsity = r / 10.0;
            Pruner.global(sparsity).prune(net, weights, criterion);
            double prunedLoss = SecondOrderKit.loss(net, train, ce);
            double prunedAcc = SecondOrderKit.accuracy(net, test);
            SecondOrderKit.adam(net, net.parameters(), train, ce, retrainSteps, RETRAIN_LR, Progress.none());
            Round round = new Round(sparsity, prunedLoss, prunedAcc, SecondOrderKit.loss(net, train, ce),
                    SecondOrderKit.loss(net, test, ce), SecondOrderKit.accuracy(net, test));
            out.add(round);
            Map<String, Object> csv = new LinkedHashMap<>();
            csv.put("part", "iterative");
            csv.put("method", label);
            csv.put("deleted_fraction", sparsity);
            csv.put("train_loss_pruned", prunedLoss);
            csv.put("test_accuracy_pruned", prunedAcc);
            csv.put("train_loss", round.trainLoss());
            csv.put("test_loss", round.testLoss());
            csv.put("test_accuracy", round.testAccuracy());
            ctx.report().row(csv);
            ctx.log("%s round %d (%.0f%% deleted): test accuracy %s pruned, %s retrained", label, r, 100 * sparsity,
                    pct(prunedAcc), pct(round.testAccuracy()));
        }
        return out;
    }

    private static void writeTables(RunContext ctx, Map<String, Cell[]> cells, double denseLoss, double denseAcc,
                                    double denseTestLoss, int weightCount, List<Round> obd, List<Round> mag,
                                    int paramCount) {
        List<String> names = new ArrayList<>(cells.keySet());
        List<String> cols = new ArrayList<>(List.of("deleted", "weights left"));
        names.forEach(n -> cols.add(n + ": ΔL (test acc.)"));
        List<List<?>> body = new ArrayList<>();
        for (int i = 0; i < LEVELS.length; i++) {
            List<Object> row = new ArrayList<>();
            row.add(fmt("%.0f%%", 100 * LEVELS[i]));
            row.add(weightCount - cells.get(names.get(0))[i].deleted());
            for (String n : names) {
                Cell c = cells.get(n)[i];
                row.add(fmt("%.4g (%s)", c.actual(), pct(c.testAccuracy())));
            }
            body.add(row);
        }
        ctx.report().table(fmt("Fig. 1a: increase of the training loss (dense %.4f, test accuracy %s) when weights "
                + "are deleted without retraining", denseLoss, pct(denseAcc)), cols, body);

        List<List<?>> b2 = new ArrayList<>();
        Cell[] hc = cells.get(names.get(0));
        Cell[] gc = cells.get(names.get(1));
        for (int i = 0; i < LEVELS.length; i++) {
            b2.add(List.of(fmt("%.0f%%", 100 * LEVELS[i]), fmt("%.4g", hc[i].actual()),
                    fmt("%.4g", hc[i].predictedOwn()), fmt("%.2f", hc[i].predictedOwn() / hc[i].actual()),
                    fmt("%.4g", hc[i].predictedQuadratic()), fmt("%.4g", gc[i].actual()),
                    fmt("%.4g", gc[i].predictedOwn()), fmt("%.2f", gc[i].predictedOwn() / gc[i].actual()),
                    LEVELS[i] <= 0.3 ? "good agreement (up to ~800 of 2,578 deleted)" : "curves split"));
        }
        ctx.report().table("Fig. 1b: OBD's predicted loss increase (sum of the deleted saliencies) against the actual",
                List.of("deleted", "exact-diagonal OBD: actual ΔL", "predicted", "predicted / actual",
                        "full quadratic ½ dwᵀHdw", "Gauss-Newton OBD: actual ΔL", "predicted", "predicted / actual",
                        "paper (Fig. 1b)"), b2);

        List<List<?>> b3 = new ArrayList<>();
        for (int r = 0; r < obd.size(); r++) {
            Round o = obd.get(r);
            Round m = mag.get(r);
            b3.add(List.of(fmt("%.0f%%", 100 * o.sparsity()), pct(o.prunedTestAccuracy()), pct(o.testAccuracy()),
                    fmt("%.4f / %.4f", o.trainLoss(), o.testLoss()), PruningKit.pp(o.testAccuracy() - denseAcc),
                    pct(m.prunedTestAccuracy()), pct(m.testAccuracy()), fmt("%.4f / %.4f", m.trainLoss(), m.testLoss()),
                    o.sparsity() <= 0.6 + 1e-9 ? "≈ unchanged (up to 60% deleted)" : "degrades"));
        }
        ctx.report().table(fmt("Fig. 2: iterative deletion with retraining (dense: test accuracy %s, train / test loss "
                        + "%.4f / %.4f)", pct(denseAcc), denseLoss, denseTestLoss),
                List.of("deleted", "OBD: test acc. pruned", "OBD: retrained", "OBD: train / test loss",
                        "OBD retrained − dense", "magnitude: pruned", "magnitude: retrained",
                        "magnitude: train / test loss", "paper (Fig. 2)"), b3);
        ctx.report().text(fmt("Paper: a digit-recognition net with 2,578 free parameters (about 9,300 training "
                + "examples, MSE); here %d parameters, cross-entropy. \"Deleted\" is the fraction of the %d weights "
                + "(the biases are kept). OBD ranks with its own diagonal; the \"full quadratic\" column is "
                + "½ dwᵀHdw with the exact Hessian of the dense net (no diagonal approximation), so the gap between it "
                + "and the prediction is the off-diagonal terms', and the gap between it and the actual is the "
                + "higher-order terms'.", paramCount, weightCount));
    }

    private static void writePlots(RunContext ctx, Map<String, Cell[]> cells, List<Round> obd, List<Round> mag,
                                   double denseAcc, double denseLoss, double denseTestLoss) throws Exception {
        double[] x = new double[LEVELS.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = 100 * LEVELS[i];
        }
        List<Plots.Series> s1 = new ArrayList<>();
        cells.forEach((name, c) -> s1.add(new Plots.Series(name, x,
                java.util.Arrays.stream(c).mapToDouble(Cell::actual).toArray())));
        SecondOrderKit.logLine(ctx.report().dir().resolve("fig1a-loss-increase.png"),
                "Deleting weights without retraining (Fig. 1a shape)", "weights deleted (%)",
                "increase of the training loss (log)", s1, 1e-7);
        ctx.report().plot("fig1a-loss-increase.png", "Fig. 1a: training-loss increase against weights deleted, "
                + "one line per criterion (log scale; values below 1e-7 drawn at 1e-7)");

        List<String> names = new ArrayList<>(cells.keySet());
        Cell[] hc = cells.get(names.get(0));
        Cell[] gc = cells.get(names.get(1));
        List<Plots.Series> s2 = List.of(
                new Plots.Series("actual (exact-diagonal OBD mask)", x,
                        java.util.Arrays.stream(hc).mapToDouble(Cell::actual).toArray()),
                new Plots.Series("OBD predicted, exact Hessian diagonal", x,
                        java.util.Arrays.stream(hc).mapToDouble(Cell::predictedOwn).toArray()),
                new Plots.Series("full quadratic ½dwᵀHdw", x,
                        java.util.Arrays.stream(hc).mapToDouble(Cell::predictedQuadratic).toArray()),
                new Plots.Series("actual (Gauss-Newton OBD mask)", x,
                        java.util.Arrays.stream(gc).mapToDouble(Cell::actual).toArray()),
                new Plots.Series("OBD predicted, Gauss-Newton diagonal", x,
                        java.util.Arrays.stream(gc).mapToDouble(Cell::predictedOwn).toArray()));
        SecondOrderKit.logLine(ctx.report().dir().resolve("fig1b-predicted-vs-actual.png"),
                "OBD's prediction against the actual loss increase (Fig. 1b shape)", "weights deleted (%)",
                "training-loss increase (log)", s2, 1e-7);
        ctx.report().plot("fig1b-predicted-vs-actual.png", "Fig. 1b: predicted (sum of saliencies) and actual "
                + "training-loss increase");

        double[] xr = new double[obd.size() + 1];
        double[][] y = new double[5][obd.size() + 1];
        y[0][0] = 100 * denseAcc;
        y[1][0] = 100 * denseAcc;
        y[2][0] = 100 * denseAcc;
        for (int r = 0; r < obd.size(); r++) {
            xr[r + 1] = 100 * obd.get(r).sparsity();
            y[0][r + 1] = 100 * obd.get(r).testAccuracy();
            y[1][r + 1] = 100 * mag.get(r).testAccuracy();
            y[2][r + 1] = 100 * obd.get(r).prunedTestAccuracy();
        }
        Plots.line(ctx.report().dir().resolve("fig2-retraining.png"),
                "Iterative deletion with retraining (Fig. 2 shape)", "weights deleted (%)", "test accuracy (%)",
                List.of(new Plots.Series("OBD, retrained", xr, y[0]), new Plots.Series("magnitude, retrained", xr, y[1]),
                        new Plots.Series("OBD, before each retraining", xr, y[2])));
        ctx.report().plot("fig2-retraining.png", "Fig. 2: test accuracy of iterative OBD and magnitude deletion with "
                + "retraining");
        double[] train = new double[obd.size() + 1];
        double[] testL = new double[obd.size() + 1];
        train[0] = denseLoss;
        testL[0] = denseTestLoss;
        for (int r = 0; r < obd.size(); r++) {
            train[r + 1] = obd.get(r).trainLoss();
            testL[r + 1] = obd.get(r).testLoss();
        }
        SecondOrderKit.logLine(ctx.report().dir().resolve("fig2-loss.png"),
                "Iterative OBD with retraining: training and test loss (Fig. 2 shape)", "weights deleted (%)",
                "cross-entropy (log)", List.of(new Plots.Series("training", xr, train),
                        new Plots.Series("test", xr, testL)), 1e-7);
        ctx.report().plot("fig2-loss.png", "Fig. 2: training and test loss of iterative OBD with retraining");
    }
}
