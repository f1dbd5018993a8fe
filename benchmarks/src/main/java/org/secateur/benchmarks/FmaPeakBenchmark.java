package org.secateur.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.secateur.tensor.kernels.FmaPeak;

/**
 * The FP32 FMA peak of this machine as Java reaches it: sixteen independent vector FMA chains (two pipes of latency
 * four need at least eight), nothing else in the loop. The score is in flop per nanosecond, that is GFLOPS; the
 * two-thread benchmark reports both threads' sum.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-Xms2g", "-Xmx2g",
        "-XX:+AlwaysPreTouch"})
public class FmaPeakBenchmark {
    private static final int ITERATIONS = 1 << 16;
    /** Flop per call (a constant for JMH: this assumes 16 lanes, which {@link #checkLanes} verifies). */
    private static final int FLOP = 2 * 16 * 16 * ITERATIONS;

    @Setup
    public void checkLanes() {
        if (FmaPeak.flops(ITERATIONS) != FLOP) {
            throw new IllegalStateException("FLOP assumes 16 lanes; this JVM's vectors give "
                    + FmaPeak.flops(ITERATIONS) + " flop per call");
        }
    }

    private float seed = 1f;

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(FLOP)
    public float oneThread() {
        return run(seed);
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(FLOP)
    public float twoThreads() {
        return run(seed);
    }

    private static float run(float s) {
        return FmaPeak.chains(s, ITERATIONS);
    }
}
