package org.secateur.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.secateur.autograd.Autograd;
import org.secateur.autograd.GradMode;
import org.secateur.nn.Functional;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.tensor.kernels.Parallel;

/**
 * LeNet-5's convolutions at batch 128: {@code conv1} 1x28x28 to 6 channels (5x5, padding 2), {@code conv2} 6x14x14
 * to 16 channels (5x5). {@code forward} with bias and no graph; {@code train} forward and backward as in training
 * (weight gradient, and for conv2 the input gradient too). Scores are calls per second; {@code gflop} (GFLOPS) counts the
 * forward's multiply-adds only.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-Xms2g", "-Xmx2g",
        "-XX:+AlwaysPreTouch"})
public class ConvBenchmark {
    @Param({"conv1", "conv2"})
    public String layer;

    @Param({"1", "2"})
    public int threads;

    private Tensor x;
    private Tensor w;
    private Tensor b;
    private Tensor wg;
    private Tensor xg;
    private int padding;
    private double gflopPerCall;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        Rng rng = new Rng(3);
        boolean first = layer.equals("conv1");
        int c = first ? 1 : 6;
        int hw = first ? 28 : 14;
        int o = first ? 6 : 16;
        padding = first ? 2 : 0;
        x = Tensor.normal(rng, 0, 1, DType.F32, 128, c, hw, hw);
        w = Tensor.normal(rng, 0, 0.2, DType.F32, o, c, 5, 5);
        b = Tensor.normal(rng, 0, 0.2, DType.F32, o);
        wg = w.copy().requiresGrad(true);
        xg = first ? x : x.copy().requiresGrad(true);
        int out = hw + 2 * padding - 4;
        gflopPerCall = 2.0 * 128 * o * c * 25 * out * out / 1e9;
    }

    @Benchmark
    public Tensor forward(Flops flops) {
        try (var off = GradMode.noGrad()) {
            flops.gflop += gflopPerCall;
            return Functional.conv2d(x, w, b, 1, padding, 1, 1);
        }
    }

    @Benchmark
    public Tensor[] train() {
        Tensor y = Functional.conv2d(xg, wg, null, 1, padding, 1, 1);
        Tensor[] wrt = xg.requiresGrad() ? new Tensor[] {xg, wg} : new Tensor[] {wg};
        return Autograd.grad(y.sum(), wrt, false);
    }
}
