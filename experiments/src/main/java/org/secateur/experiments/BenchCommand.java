package org.secateur.experiments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.secateur.autograd.Autograd;
import org.secateur.autograd.GradMode;
import org.secateur.datasets.DatasetStore;
import org.secateur.datasets.ImageDataset;
import org.secateur.datasets.ImageSet;
import org.secateur.datasets.Normalization;
import org.secateur.nn.Functional;
import org.secateur.nn.Losses;
import org.secateur.nn.Models;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.optim.SGD;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.tensor.kernels.FmaPeak;
import org.secateur.tensor.kernels.Kernels;
import org.secateur.tensor.kernels.Parallel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code secateur bench}: a short version of the JMH suite in {@code benchmarks/}, for the user's own machine. It
 * measures the FMA peak of this machine in Java in the same run (so that every figure can be read as a fraction of
 * it), SGEMM at square and LeNet sizes, LeNet-5's convolutions, training and inference throughput of LeNet-300-100
 * and LeNet-5, and the cost of a Hessian-vector product relative to a gradient; optionally whole epochs on
 * Fashion-MNIST. {@code --json} prints one flat JSON object whose keys match those of
 * {@code benchmarks/peers/torch_bench.py}.
 *
 * <p>Each figure is the best of several timed rounds after a warm-up, since on a shared machine the best round is
 * the one least disturbed by other work; the load average before and after is reported with them.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure this machine: FMA peak, SGEMM, convolution, training and inference throughput, "
                + "Hessian-vector product cost (a short version of the JMH suite in benchmarks/).")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Option(names = "--threads", description = "Threads for the kernels (default: all processors). GEMM and the FMA "
            + "peak are also measured on 1 thread.")
    Integer threads;

    @Option(names = "--quick", description = "Shorter warm-ups and rounds, and no 2048 GEMM.")
    boolean quick;

    @Option(names = "--epochs", defaultValue = "0", description = "Also train this many epochs of each net on "
            + "Fashion-MNIST and report the first and the best epoch time (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--data-dir", description = "Directory holding the datasets (default: $SECATEUR_DATA, "
            + "~/.cache/secateur, system packages).")
    Path dataDir;

    @Option(names = "--only", split = ",", description = "Sections to run (default: all): peak, gemm, conv, train, "
            + "hvp, epochs.")
    List<String> only;

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final List<String> SECTIONS = List.of("peak", "gemm", "conv", "train", "hvp", "epochs");

    private final Map<String, Object> results = new LinkedHashMap<>();
    /** Progress on standard error, a unit per measurement (stdout carries the table or the JSON object). */
    private Progress progress = Progress.none();

    @Override
    public Integer call() throws Exception {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1) {
            System.err.println("--threads must be >= 1, got " + t);
            return 2;
        }
        if (epochs < 0) {
            System.err.println("--epochs must be >= 0, got " + epochs);
            return 2;
        }
        for (String section : only == null ? List.<String>of() : only) {
            if (!SECTIONS.contains(section)) {
                System.err.println("--only: unknown section '" + section + "'; expected some of " + SECTIONS);
                return 2;
            }
        }
        results.put("engine", "secateur 0.1.0");
        results.put("threads", t);
        results.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        results.put("machine", cpuName());
        results.put("processors", Runtime.getRuntime().availableProcessors());
        results.put("vector_bits", F.vectorBitSize());
        results.put("load_average_before", loadAverage());
        try (Progress p = Progress.create("bench", units(t), "measurements", System.err, false)) {
            progress = p;
            measure(t);
        }
        results.put("load_average_after", loadAverage());
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(results));
        } else {
            printTable(t);
        }
        return 0;
    }

    /** Runs the chosen sections; each measurement advances {@link #progress} by one. */
    private void measure(int t) throws Exception {
        if (runs("peak")) {
            Parallel.setThreads(1);
            results.put("fma_peak_gflops_1t", fmaPeak(1));
            Parallel.setThreads(t);
            results.put("fma_peak_gflops", fmaPeak(t));
            done("FMA peak");
        }
        if (runs("gemm")) {
            gemm(t);
        }
        Parallel.setThreads(t);
        if (runs("conv")) {
            conv();
            done("convolutions");
        }
        if (runs("train")) {
            train();
        }
        if (runs("hvp")) {
            hvp();
            done("Hessian-vector product");
        }
        if (epochs > 0 && runs("epochs")) {
            epochs();
        }
        if (runs("peak")) {
            // again at the end: the host may take a vCPU for part of a run, which the load average does not show,
            // and a peak well below the first one says the figures measured since are upper bounds on the time
            Parallel.setThreads(t);
            results.put("fma_peak_end_gflops", fmaPeak(t));
            done("FMA peak again");
        }
    }

    private void done(String measurement) {
        progress.status(measurement);
        progress.step(1);
    }

    /** How many measurements {@link #measure} makes, for the progress report. */
    private int units(int t) {
        int units = 0;
        if (runs("peak")) {
            units += 2;
        }
        if (runs("gemm")) {
            units += gemmShapes().size() + (t > 1 ? 1 : 0);
        }
        units += (runs("conv") ? 1 : 0) + (runs("train") ? 2 : 0) + (runs("hvp") ? 1 : 0);
        return units + (epochs > 0 && runs("epochs") ? 2 * epochs : 0);
    }

    private boolean runs(String section) {
        return only == null || only.isEmpty() || only.contains(section);
    }

    // ---------------------------------------------------------------- timing

    /**
     * Best seconds per call of {@code op}: a warm-up until the JIT has settled, then {@code rounds} rounds. The
     * Vector API runs a hundred times slower before C2 has compiled a loop, and a branch first taken late sends code
     * back to the interpreter while it is recompiled, so the warm-up lasts until a window of calls is no faster
     * than the best window so far (within 5%) with no compilation finished during it, and at least {@code minWarm}
     * seconds (at most 15). Compilation time is counted only when a compilation ends, so one quiet window is not
     * proof: the speed must have stopped improving too.
     */
    private double best(Runnable op, double roundSeconds) {
        double total = quick ? roundSeconds / 2 : roundSeconds;
        int rounds = quick ? 4 : 7;
        var jit = ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime();
        double minWarm = quick ? 1.0 : 2.0;
        double bestWindow = Double.MAX_VALUE;
        double perCall;
        int settled = 0;
        while (true) {
            long compiled = jit.getTotalCompilationTime();
            long w0 = System.nanoTime();
            int calls = 0;
            while (calls < 2 || System.nanoTime() - w0 < 2e8) {
                op.run();
                calls++;
            }
            perCall = (System.nanoTime() - w0) / 1e9 / calls;
            boolean quiet = jit.getTotalCompilationTime() == compiled;
            settled = quiet && perCall > 0.95 * bestWindow ? settled + 1 : 0;
            bestWindow = Math.min(bestWindow, perCall);
            double elapsed = (System.nanoTime() - start) / 1e9;
            if ((elapsed >= minWarm && settled >= 2) || elapsed > 15) {
                break;
            }
        }
        int n = (int) Math.max(1, Math.min(1_000_000, total / rounds / perCall));
        double best = Double.MAX_VALUE;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                op.run();
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e9 / n);
        }
        return best;
    }

    // ---------------------------------------------------------------- FMA peak

    private static final int FMA_ITERATIONS = 1 << 20;

    private static volatile float sink;

    private double fmaPeak(int t) {
        double flopsPerCall = FmaPeak.flops(FMA_ITERATIONS);
        double s = best(() -> Parallel.forRange(t, 1, (from, to) -> {
            float acc = 0;
            for (int i = from; i < to; i++) {
                acc += FmaPeak.chains(i, FMA_ITERATIONS);
            }
            sink = acc;
        }), 0.3);
        return t * flopsPerCall / s / 1e9;
    }

    // ---------------------------------------------------------------- GEMM

    private record Shape(String name, int m, int n, int k, boolean transB) {}

    private List<Shape> gemmShapes() {
        List<Shape> shapes = new ArrayList<>();
        for (int s : quick ? new int[] {128, 256, 512, 1024} : new int[] {128, 256, 512, 1024, 2048}) {
            shapes.add(new Shape(Integer.toString(s), s, s, s, false));
        }
        // LeNet-300-100's layers at batch 128: A B as the issue states them, and x W^T as the forward computes them
        shapes.add(new Shape("lenet_fc1", 128, 300, 784, false));
        shapes.add(new Shape("lenet_fc2", 128, 100, 300, false));
        shapes.add(new Shape("lenet_fc1_nt", 128, 300, 784, true));
        shapes.add(new Shape("lenet_fc2_nt", 128, 100, 300, true));
        return shapes;
    }

    private void gemm(int t) {
        Kernels k = Kernels.get();
        for (Shape sh : gemmShapes()) {
            Rng rng = new Rng(sh.m() * 31L + sh.n());
            float[] a = Tensor.normal(rng, 0, 1, DType.F32, sh.m() * sh.k()).floats();
            float[] b = Tensor.normal(rng, 0, 1, DType.F32, sh.k() * sh.n()).floats();
            float[] c = new float[sh.m() * sh.n()];
            double flops = 2.0 * sh.m() * sh.n() * sh.k();
            Runnable op = () -> k.gemm(false, sh.transB(), sh.m(), sh.n(), sh.k(), a, 0, b, 0, c, 0, false);
            double round = Math.min(0.4, Math.max(0.05, flops / 2e11));
            Parallel.setThreads(1);
            double one = flops / best(op, round) / 1e9;
            results.put("gemm_" + sh.name() + "_gflops_1t", one);
            results.put("gemm_" + sh.name() + "_fraction_1t", ratio(one, "fma_peak_gflops_1t"));
            Parallel.setThreads(t);
            double all = t == 1 ? one : flops / best(op, round) / 1e9;
            results.put("gemm_" + sh.name() + "_gflops", all);
            results.put("gemm_" + sh.name() + "_fraction", ratio(all, "fma_peak_gflops"));
            results.put("gemm_" + sh.name() + "_scaling", all / one);
            done(String.format(Locale.ROOT, "GEMM %s: %.0f GFLOPS", sh.name(), all));
        }
        if (t > 1) {
            independentGemms(t, 1024);
        }
    }

    /**
     * {@code t} single-thread SGEMMs of size {@code s} on their own operands at the same time, one per thread: what
     * the machine gives {@code t} busy threads with no sharing or synchronisation between them, as the FMA peak is
     * for bare multiply-adds. On this project's VM the second vCPU runs slower while both are busy, which bounds the
     * parallel GEMM's scaling; the key reports it beside {@code gemm_<s>_scaling}.
     */
    private void independentGemms(int t, int s) {
        Kernels k = Kernels.get();
        Rng rng = new Rng(s);
        float[][] a = new float[t][];
        float[][] b = new float[t][];
        float[][] c = new float[t][s * s];
        for (int i = 0; i < t; i++) {
            a[i] = Tensor.normal(rng, 0, 1, DType.F32, s * s).floats();
            b[i] = Tensor.normal(rng, 0, 1, DType.F32, s * s).floats();
        }
        // a GEMM inside a parallel range runs on its own thread, unsplit
        double sec = best(() -> Parallel.forRange(t, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                k.gemm(false, false, s, s, s, a[i], 0, b[i], 0, c[i], 0, false);
            }
        }), 0.4);
        double gflops = t * 2.0 * s * s * s / sec / 1e9;
        results.put("gemm_" + s + "_independent_gflops", gflops);
        results.put("gemm_" + s + "_independent_fraction", ratio(gflops, "fma_peak_gflops"));
        done("independent GEMMs");
    }

    private Double ratio(double value, String peakKey) {
        Object peak = results.get(peakKey);
        return peak instanceof Double p && p > 0 ? value / p : null;
    }

    // ---------------------------------------------------------------- convolution

    private void conv() {
        Rng rng = new Rng(3);
        Tensor x1 = Tensor.normal(rng, 0, 1, DType.F32, 128, 1, 28, 28);
        Tensor w1 = Tensor.normal(rng, 0, 0.2, DType.F32, 6, 1, 5, 5);
        Tensor b1 = Tensor.normal(rng, 0, 0.2, DType.F32, 6);
        Tensor x2 = Tensor.normal(rng, 0, 1, DType.F32, 128, 6, 14, 14);
        Tensor w2 = Tensor.normal(rng, 0, 0.1, DType.F32, 16, 6, 5, 5);
        Tensor b2 = Tensor.normal(rng, 0, 0.2, DType.F32, 16);
        try (var off = GradMode.noGrad()) {
            double t1 = best(() -> Functional.conv2d(x1, w1, b1, 1, 2, 1, 1), 0.3);
            double t2 = best(() -> Functional.conv2d(x2, w2, b2, 1, 0, 1, 1), 0.3);
            results.put("conv_lenet5_conv1_ms", t1 * 1e3);
            results.put("conv_lenet5_conv1_gflops", 2.0 * 128 * 6 * 25 * 784 / t1 / 1e9);
            results.put("conv_lenet5_conv2_ms", t2 * 1e3);
            results.put("conv_lenet5_conv2_gflops", 2.0 * 128 * 16 * 150 * 100 / t2 / 1e9);
        }
        // forward and backward, as in training (conv1 needs no input gradient)
        Tensor w1g = w1.copy().requiresGrad(true);
        Tensor x2g = x2.copy().requiresGrad(true);
        Tensor w2g = w2.copy().requiresGrad(true);
        results.put("conv_lenet5_conv1_train_ms", best(() -> Autograd.grad(
                Functional.conv2d(x1, w1g, null, 1, 2, 1, 1).sum(), new Tensor[] {w1g}, false), 0.3) * 1e3);
        results.put("conv_lenet5_conv2_train_ms", best(() -> Autograd.grad(
                Functional.conv2d(x2g, w2g, null, 1, 0, 1, 1).sum(), new Tensor[] {x2g, w2g}, false), 0.3) * 1e3);
    }

    // ---------------------------------------------------------------- training and inference

    private void train() {
        for (String name : new String[] {"lenet300100", "lenet5"}) {
            Rng rng = new Rng(1);
            Module model = name.equals("lenet5") ? Models.lenet5(rng) : Models.lenet300100(rng);
            SGD sgd = new SGD(model.parameters(), 0.01, 0.9, 5e-4);
            Tensor[] xs = new Tensor[8];
            int[][] ys = new int[8][128];
            for (int b = 0; b < 8; b++) {
                xs[b] = Tensor.normal(rng, 0, 1, DType.F32, 128, 1, 28, 28);
                for (int i = 0; i < 128; i++) {
                    ys[b][i] = rng.nextInt(10);
                }
            }
            int[] step = {0};
            double s = best(() -> {
                int b = step[0]++ & 7;
                sgd.zeroGrad();
                Losses.crossEntropy(model.apply(xs[b]), ys[b]).backward();
                sgd.step();
            }, 1.0);
            results.put("train_" + name + "_step_ms", s * 1e3);
            results.put("train_" + name + "_images_per_s", 128 / s);
            model.eval();
            Tensor batch = Tensor.normal(rng, 0, 1, DType.F32, 256, 1, 28, 28);
            try (var off = GradMode.noGrad()) {
                double inf = best(() -> model.apply(batch), 0.5);
                results.put("infer_" + name + "_images_per_s", 256 / inf);
            }
            done("training and inference, " + name);
        }
    }

    private void hvp() {
        Rng rng = new Rng(1);
        Module model = Models.lenet300100(rng);
        Tensor x = Tensor.normal(rng, 0, 1, DType.F32, 1024, 784);
        int[] labels = new int[1024];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rng.nextInt(10);
        }
        Tensor[] params = model.parameters().stream().map(Parameter::data).toArray(Tensor[]::new);
        Tensor[] v = new Tensor[params.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Tensor.normal(rng, 0, 1, DType.F32, params[i].shape());
        }
        double g = best(() -> Autograd.grad(Losses.crossEntropy(model.apply(x), labels), params, false), 1.0);
        double h = best(() -> Autograd.hessianVectorProduct(() -> Losses.crossEntropy(model.apply(x), labels), params,
                v), 1.0);
        results.put("hvp_lenet300100_grad_ms", g * 1e3);
        results.put("hvp_lenet300100_hvp_ms", h * 1e3);
        results.put("hvp_lenet300100_ratio", h / g);
    }

    // ---------------------------------------------------------------- epochs on Fashion-MNIST

    /**
     * Whole epochs (60k images, batch 128, SGD with momentum) with the data preloaded as normalised floats, as the
     * PyTorch side does: each batch is a gather of 128 rows in a shuffled order ({@code indexSelect}, as PyTorch's
     * {@code x_all[idx]}), so the figure is the engine's.
     */
    private void epochs() throws Exception {
        ImageDataset train = DatasetStore.standard(dataDir).load(ImageSet.FASHION_MNIST).train();
        int n = train.size();
        int d = train.imageSize();
        float[] all = new float[n * d];
        byte[] px = train.pixels();
        float mean = (float) Normalization.FASHION_MNIST.mean()[0];
        float std = (float) Normalization.FASHION_MNIST.std()[0];
        for (int i = 0; i < all.length; i++) {
            all[i] = ((px[i] & 0xff) / 255f - mean) / std;
        }
        Tensor images = Tensor.of(all, n, 1, 28, 28);
        int batch = 128;
        for (String name : new String[] {"lenet300100", "lenet5"}) {
            Rng rng = new Rng(1);
            Module model = name.equals("lenet5") ? Models.lenet5(rng) : Models.lenet300100(rng);
            SGD sgd = new SGD(model.parameters(), 0.05, 0.9, 5e-4);
            double first = 0;
            double best = Double.MAX_VALUE;
            List<Double> times = new ArrayList<>();
            for (int e = 0; e < epochs; e++) {
                int[] order = new Rng(100 + e).permutation(n);
                long t0 = System.nanoTime();
                for (int start = 0; start < n; start += batch) {
                    int[] rows = Arrays.copyOfRange(order, start, Math.min(n, start + batch));
                    int[] y = new int[rows.length];
                    for (int i = 0; i < rows.length; i++) {
                        y[i] = train.labels()[rows[i]];
                    }
                    sgd.zeroGrad();
                    Losses.crossEntropy(model.apply(images.indexSelect(0, rows)), y).backward();
                    sgd.step();
                }
                double s = (System.nanoTime() - t0) / 1e9;
                first = e == 0 ? s : first;
                best = Math.min(best, s);
                times.add(s);
                done(String.format(Locale.ROOT, "%s epoch %d: %.2f s", name, e + 1, s));
            }
            results.put("epoch_" + name + "_all_s", times);
            results.put("epoch_" + name + "_first_s", first);
            results.put("epoch_" + name + "_s", best);
        }
    }

    // ---------------------------------------------------------------- output

    private static Double loadAverage() {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? null : l;
    }

    private static String cpuName() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (Exception e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }

    private void printTable(int t) {
        System.out.printf(Locale.ROOT, "Secateur bench: %s, %s, %d processors, %d-bit vectors, %d threads, "
                        + "load average %s -> %s%n%n", results.get("machine"), results.get("java"),
                results.get("processors"), results.get("vector_bits"), t, fmt(results.get("load_average_before")),
                fmt(results.get("load_average_after")));
        System.out.printf(Locale.ROOT, "%-34s %14s %16s%n", "measurement", "value", "fraction of peak");
        for (Map.Entry<String, Object> e : results.entrySet()) {
            String k = e.getKey();
            if (!(e.getValue() instanceof Double v) || k.endsWith("_fraction") || k.endsWith("_fraction_1t")
                    || k.startsWith("load_average")) {
                continue;
            }
            String unit = k.endsWith("_gflops") || k.endsWith("_gflops_1t") ? " GFLOPS"
                    : k.endsWith("_images_per_s") ? " img/s" : k.endsWith("_ms") ? " ms" : k.endsWith("_s") ? " s"
                    : k.endsWith("_scaling") || k.endsWith("_ratio") ? " x" : "";
            String fraction = "";
            String fk = k.endsWith("_gflops_1t") ? k.replace("_gflops_1t", "_fraction_1t")
                    : k.endsWith("_gflops") ? k.replace("_gflops", "_fraction") : null;
            if (fk != null && results.get(fk) instanceof Double f) {
                fraction = String.format(Locale.ROOT, "%.1f%%", 100 * f);
            }
            System.out.printf(Locale.ROOT, "%-34s %14s %16s%n", k, fmt(v) + unit, fraction);
        }
    }

    private static String fmt(Object v) {
        if (!(v instanceof Double d)) {
            return String.valueOf(v);
        }
        return d >= 1000 ? String.format(Locale.ROOT, "%.0f", d) : d >= 10 ? String.format(Locale.ROOT, "%.1f", d)
                : String.format(Locale.ROOT, "%.3f", d);
    }
}
