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
import org.secateur.nn.Losses;
import org.secateur.nn.Models;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.tensor.kernels.Parallel;

/**
 * A gradient against an exact Hessian-vector product (double backward, Pearlmutter's trick) of the cross-entropy of
 * LeNet-300-100 on a batch of 1024: the ratio of the two scores is the cost of the HVP in gradients (PyTorch's double
 * backward is about 2.2 here).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-Xms2g", "-Xmx2g",
        "-XX:+AlwaysPreTouch"})
public class HvpBenchmark {
    @Param({"1", "2"})
    public int threads;

    private Module net;
    private Tensor x;
    private final int[] labels = new int[1024];
    private Tensor[] params;
    private Tensor[] v;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        Rng rng = new Rng(1);
        net = Models.lenet300100(rng);
        x = Tensor.normal(rng, 0, 1, DType.F32, 1024, 784);
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rng.nextInt(10);
        }
        params = net.parameters().stream().map(Parameter::data).toArray(Tensor[]::new);
        v = new Tensor[params.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Tensor.normal(rng, 0, 1, DType.F32, params[i].shape());
        }
    }

    @Benchmark
    public Tensor[] gradient() {
        return Autograd.grad(Losses.crossEntropy(net.apply(x), labels), params, false);
    }

    @Benchmark
    public Tensor[] hessianVectorProduct() {
        return Autograd.hessianVectorProduct(() -> Losses.crossEntropy(net.apply(x), labels), params, v);
    }
}
