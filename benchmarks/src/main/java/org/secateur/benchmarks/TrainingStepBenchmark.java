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
import org.secateur.autograd.GradMode;
import org.secateur.nn.Losses;
import org.secateur.nn.Models;
import org.secateur.nn.Module;
import org.secateur.optim.SGD;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.tensor.kernels.Parallel;

/**
 * One training step (forward, cross-entropy, backward, SGD with momentum and weight decay) of LeNet-300-100 or
 * LeNet-5 on a batch of 128 Fashion-MNIST-sized images (random, eight batches in turn), and inference on 256. An
 * epoch of Fashion-MNIST is 469 steps.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-Xms2g", "-Xmx2g",
        "-XX:+AlwaysPreTouch"})
public class TrainingStepBenchmark {
    @Param({"lenet300100", "lenet5"})
    public String model;

    @Param({"1", "2"})
    public int threads;

    private Module net;
    private SGD sgd;
    private final Tensor[] xs = new Tensor[8];
    private final int[][] ys = new int[8][128];
    private Tensor inferenceBatch;
    private int step;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        Rng rng = new Rng(1);
        net = model.equals("lenet5") ? Models.lenet5(rng) : Models.lenet300100(rng);
        sgd = new SGD(net.parameters(), 0.01, 0.9, 5e-4);
        for (int b = 0; b < xs.length; b++) {
            xs[b] = Tensor.normal(rng, 0, 1, DType.F32, 128, 1, 28, 28);
            for (int i = 0; i < 128; i++) {
                ys[b][i] = rng.nextInt(10);
            }
        }
        inferenceBatch = Tensor.normal(rng, 0, 1, DType.F32, 256, 1, 28, 28);
    }

    @Benchmark
    public void trainStep() {
        int b = step++ & 7;
        sgd.zeroGrad();
        Losses.crossEntropy(net.apply(xs[b]), ys[b]).backward();
        sgd.step();
    }

    @Benchmark
    public Tensor inference256() {
        try (var off = GradMode.noGrad()) {
            return net.apply(inferenceBatch);
        }
    }
}
