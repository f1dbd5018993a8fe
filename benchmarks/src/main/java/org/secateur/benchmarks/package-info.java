/**
 * JMH benchmarks of the engine on this machine, and (in {@code benchmarks/peers/}) the same workloads in PyTorch.
 *
 * <ul>
 *   <li>{@link org.secateur.benchmarks.FmaPeakBenchmark}: the FP32 FMA peak reachable from Java, 1 and 2 threads,
 *       the yardstick every other figure is read against;
 *   <li>{@link org.secateur.benchmarks.GemmBenchmark}: SGEMM at 128 to 2048 and at LeNet-300-100's shapes;
 *   <li>{@link org.secateur.benchmarks.ConvBenchmark}: LeNet-5's two convolutions, forward and forward+backward;
 *   <li>{@link org.secateur.benchmarks.TrainingStepBenchmark}: one SGD step of LeNet-300-100 and LeNet-5 (batch 128);
 *   <li>{@link org.secateur.benchmarks.HvpBenchmark}: a gradient against a Hessian-vector product, LeNet-300-100,
 *       batch 1024.
 * </ul>
 * Run with {@code java -jar benchmarks/target/benchmarks.jar [regexp] [-p threads=1]}; every fork adds
 * {@code --add-modules jdk.incubator.vector}. Throughputs in GFLOPS come out as the {@code gflop} secondary score
 * (a JMH auxiliary counter divided by time). See {@code BENCHMARKS.md} at the root.
 */
package org.secateur.benchmarks;
