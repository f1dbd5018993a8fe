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
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.tensor.kernels.Kernels;
import org.secateur.tensor.kernels.Parallel;

/**
 * SGEMM {@code C = A B} through {@code Kernels.get().gemm}: square sizes, and LeNet-300-100's layers at batch 128
 * ({@code lenet_fc1}: 128x784 by 784x300, {@code lenet_fc2}: 128x300 by 300x100), plain and as the forward computes
 * them ({@code _nt}: by {@code W^T}, the weight stored {@code [out, in]}). {@code threads} is the kernel pool's
 * size. Scores are calls per second; the {@code gflop} secondary score is in GFLOPS.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-Xms2g", "-Xmx2g",
        "-XX:+AlwaysPreTouch"})
public class GemmBenchmark {
    @Param({"128", "256", "512", "1024", "2048", "lenet_fc1", "lenet_fc2", "lenet_fc1_nt", "lenet_fc2_nt"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private final Kernels kernels = Kernels.get();
    private int m;
    private int n;
    private int k;
    private boolean transB;
    private float[] a;
    private float[] b;
    private float[] c;
    private double gflopPerCall;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        transB = shape.endsWith("_nt");
        switch (shape.replace("_nt", "")) {
            case "lenet_fc1" -> {
                m = 128;
                n = 300;
                k = 784;
            }
            case "lenet_fc2" -> {
                m = 128;
                n = 100;
                k = 300;
            }
            default -> m = n = k = Integer.parseInt(shape);
        }
        Rng rng = new Rng(1);
        a = Tensor.normal(rng, 0, 1, DType.F32, m * k).floats();
        b = Tensor.normal(rng, 0, 1, DType.F32, k * n).floats();
        c = new float[m * n];
        gflopPerCall = 2.0 * m * n * k / 1e9;
    }

    @Benchmark
    public float gemm(Flops flops) {
        kernels.gemm(false, transB, m, n, k, a, 0, b, 0, c, 0, false);
        flops.gflop += gflopPerCall;
        return c[0];
    }
}
