package org.secateur.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.TestFactory;
import org.secateur.autograd.Autograd;
import org.secateur.nn.Functional;
import org.secateur.nn.Losses;
import org.secateur.testing.GradCheck;
import org.secateur.testing.Generators;
import org.secateur.testing.RestoresThreads;

/**
 * The fused primitives against their composed references ({@code Fused.setEnabled(false)}): the same values (bit
 * for bit where the arithmetic is the same, within rounding where the order of a sum changes) and the same
 * gradients; and on their own, gradients and Hessian-vector products against central differences in float64,
 * which exercises the backward of each backward (the convolution's three primitives, the unpooling's gather).
 */
@ExtendWith(RestoresThreads.class)
class FusedOpsTest {

    private static <T> T composed(Supplier<T> s) {
        boolean was = Fused.enabled();
        Fused.setEnabled(false);
        try {
            return s.get();
        } finally {
            Fused.setEnabled(was);
        }
    }

    private static <T> T fused(Supplier<T> s) {
        boolean was = Fused.enabled();
        Fused.setEnabled(true);
        try {
            return s.get();
        } finally {
            Fused.setEnabled(was);
        }
    }

    /** Values and the gradients of {@code <w, f(x)>} with respect to every input. */
    private record Run(Tensor value, Tensor[] grads) {}

    private static Run run(Function<Tensor[], Tensor> f, Tensor[] inputs, long seed) {
        Tensor[] x = new Tensor[inputs.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = inputs[i].copy().requiresGrad(true);
        }
        Tensor y = f.apply(x);
        Tensor w = Tensor.normal(new Rng(seed), 0, 1, y.dtype(), y.shape());
        Tensor[] g = Autograd.grad(y.mul(w).sum(), x, false);
        return new Run(y.detach(), g);
    }

    private static void assertClose(Tensor actual, Tensor expected, double relTol, String what) {
        assertThat(actual.shape()).as(what).containsExactly(expected.shape());
        double scale = 0;
        for (int i = 0; i < expected.numel(); i++) {
            scale = Math.max(scale, Math.abs(expected.getFlat(i)));
        }
        for (int i = 0; i < expected.numel(); i++) {
            assertThat(actual.getFlat(i)).as("%s at %d", what, i)
                    .isCloseTo(expected.getFlat(i), org.assertj.core.data.Offset.offset(relTol * Math.max(1, scale)));
        }
    }

    /** A convolution geometry with all its options, and a batch. */
    private record ConvCase(int n, int c, int o, int h, int w, int k, int stride, int pad, int dil) {
        static ConvCase random(Rng r) {
            int k = 1 + r.nextInt(3);
            int dil = 1 + r.nextInt(2);
            int pad = r.nextInt(3);
            int span = dil * (k - 1) + 1;
            int h = Math.max(1, span - 2 * pad) + r.nextInt(5);
            // sometimes rows wide enough for the implicit kernels (24 outputs or more at stride 1)
            int w = Math.max(1, span - 2 * pad) + (r.nextInt(4) == 0 ? 24 + r.nextInt(17) : r.nextInt(5));
            // sometimes enough output channels for the channels-major kernels (a vector's worth or more)
            int o = r.nextInt(3) == 0 ? 14 + r.nextInt(7) : 1 + r.nextInt(4);
            // sometimes a batch of a vector's worth of samples or more, with a partial last group, for the kernels
            // with the samples in the lanes
            int n = r.nextInt(4) == 0 ? 16 + r.nextInt(25) : 1 + r.nextInt(3);
            return new ConvCase(n, 1 + r.nextInt(3), o, h, w, k, 1 + r.nextInt(2), pad, dil);
        }

        Conv2dGeometry geometry() {
            return Conv2dGeometry.of(c, h, w, k, stride, pad, dil);
        }
    }

    @Test
    void linearEqualsTheCompositionBitForBit() {
        qt().withExamples(40).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            int m = 1 + r.nextInt(40);
            int k = 1 + r.nextInt(70);
            int n = 1 + r.nextInt(50);
            for (DType d : DType.values()) {
                Tensor[] in = {Generators.normal(r.nextLong(), d, m, k), Generators.normal(r.nextLong(), d, n, k),
                        Generators.normal(r.nextLong(), d, n)};
                Function<Tensor[], Tensor> f = x -> Functional.linear(x[0], x[1], x[2]);
                Run a = fused(() -> run(f, in, seed));
                Run b = composed(() -> run(f, in, seed));
                assertThat(a.value().contentEquals(b.value())).as("linear %dx%dx%d %s", m, k, n, d).isTrue();
                for (int i = 0; i < 3; i++) {
                    assertThat(a.grads()[i].contentEquals(b.grads()[i])).as("gradient %d", i).isTrue();
                }
            }
        });
    }

    @Test
    void conv2dEqualsTheComposition() {
        qt().withExamples(40).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            ConvCase cc = ConvCase.random(r);
            for (DType d : DType.values()) {
                Tensor[] in = {Generators.normal(r.nextLong(), d, cc.n(), cc.c(), cc.h(), cc.w()),
                        Generators.normal(r.nextLong(), d, cc.o(), cc.c(), cc.k(), cc.k()),
                        Generators.normal(r.nextLong(), d, cc.o())};
                Function<Tensor[], Tensor> f = x -> Functional.conv2d(x[0], x[1], x[2], cc.stride(), cc.pad(),
                        cc.dil(), 1);
                Run a = fused(() -> run(f, in, seed));
                Run b = composed(() -> run(f, in, seed));
                double tol = d == DType.F32 ? 1e-5 : 1e-12;
                if (d == DType.F64) {
                    // the same per-sample product and bias add: identical (in float32 the implicit GEMM uses fused
                    // multiply-adds where a tiny composed product uses the scalar loop)
                    assertThat(a.value().contentEquals(b.value())).as("%s %s", cc, d).isTrue();
                } else {
                    assertClose(a.value(), b.value(), tol, cc + " value " + d);
                }
                for (int i = 0; i < 3; i++) {
                    assertClose(a.grads()[i], b.grads()[i], tol, cc + " gradient " + i + " " + d);
                }
            }
        });
    }

    @Test
    void conv2dOfABatchEqualsItsSamplesAloneBitForBitWithAVectorOfOutputChannels() {
        // a batch of 16 or more runs the samples-in-lanes kernel, one sample the channels-major one: both sum the
        // taps in order from zero and add the bias last, so a sample's output does not depend on its batch
        qt().withExamples(25).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            int n = 16 + r.nextInt(25);
            int c = 1 + r.nextInt(4);
            int o = 16 + r.nextInt(9);
            int k = 1 + r.nextInt(4);
            int stride = 1 + r.nextInt(2);
            int pad = r.nextInt(3);
            int dil = 1 + r.nextInt(2);
            int span = dil * (k - 1) + 1;
            int h = Math.max(1, span - 2 * pad) + r.nextInt(8);
            int w = Math.max(1, span - 2 * pad) + r.nextInt(8);   // output rows narrower than the implicit kernel's
            Tensor x = Generators.normal(r.nextLong(), DType.F32, n, c, h, w);
            Tensor wt = Generators.normal(r.nextLong(), DType.F32, o, c, k, k);
            Tensor b = Generators.normal(r.nextLong(), DType.F32, o);
            float[] batch = Functional.conv2d(x, wt, b, stride, pad, dil, 1).toFloatArray();
            float[] xs = x.toFloatArray();
            int per = batch.length / n;
            for (int s = 0; s < n; s++) {
                Tensor one = Tensor.of(java.util.Arrays.copyOfRange(xs, s * c * h * w, (s + 1) * c * h * w), 1, c, h, w);
                float[] alone = Functional.conv2d(one, wt, b, stride, pad, dil, 1).toFloatArray();
                assertThat(java.util.Arrays.equals(alone, java.util.Arrays.copyOfRange(batch, s * per, (s + 1) * per)))
                        .as("sample %d of %d, %d -> %d channels, %dx%d, k %d stride %d pad %d dil %d", s, n, c, o, h, w,
                                k, stride, pad, dil).isTrue();
            }
        });
    }

    @Test
    void convTranspose2dEqualsTheComposition() {
        qt().withExamples(30).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            ConvCase cc = ConvCase.random(r);
            Conv2dGeometry g = cc.geometry();
            Tensor[] in = {Generators.normal(r.nextLong(), DType.F64, cc.n(), cc.o(), g.outHeight(), g.outWidth()),
                    Generators.normal(r.nextLong(), DType.F64, cc.o(), cc.c(), cc.k(), cc.k()),
                    Generators.normal(r.nextLong(), DType.F64, cc.c())};
            // output padding is not supported, so only geometries whose output size round-trips
            int outH = (g.outHeight() - 1) * cc.stride() - 2 * cc.pad() + cc.dil() * (cc.k() - 1) + 1;
            int outW = (g.outWidth() - 1) * cc.stride() - 2 * cc.pad() + cc.dil() * (cc.k() - 1) + 1;
            if (outH != cc.h() || outW != cc.w()) {
                return;
            }
            Function<Tensor[], Tensor> f = x -> Functional.convTranspose2d(x[0], x[1], x[2], cc.stride(), cc.pad(),
                    cc.dil());
            Run a = fused(() -> run(f, in, seed));
            Run b = composed(() -> run(f, in, seed));
            assertClose(a.value(), b.value(), 1e-12, cc + " value");
            for (int i = 0; i < 3; i++) {
                assertClose(a.grads()[i], b.grads()[i], 1e-12, cc + " gradient " + i);
            }
        });
    }

    @Test
    void maxPool2dEqualsTheCompositionIncludingTiesAndTheVectorCase() {
        qt().withExamples(60).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            boolean relu = r.nextInt(2) == 0;               // the fused pooling of a ReLU, against relu() then pool
            boolean common = r.nextInt(2) == 0;           // 2x2, stride 2: the vector kernel in float32
            int k = common ? 2 : 1 + r.nextInt(3);
            int stride = common ? 2 : 1 + r.nextInt(3);
            int pad = common ? 0 : r.nextInt(k / 2 + 1);
            int dil = common ? 1 : 1 + r.nextInt(2);
            int span = dil * (k - 1) + 1;
            int h = Math.max(1, span - 2 * pad) + r.nextInt(common ? 30 : 6);
            int w = Math.max(1, span - 2 * pad) + r.nextInt(common ? 40 : 6);
            for (DType d : DType.values()) {
                Tensor x = Generators.normal(r.nextLong(), d, 1 + r.nextInt(3), 1 + r.nextInt(3), h, w);
                for (int i = 0; i < x.numel(); i += 3) {
                    x.setFlat(i, 0.25);                     // ties go to the first maximum in window order
                }
                Function<Tensor[], Tensor> f = in -> relu ? Functional.reluMaxPool2d(in[0], k, stride, pad, dil)
                        : Functional.maxPool2d(in[0], k, stride, pad, dil);
                Run a = fused(() -> run(f, new Tensor[] {x}, seed));
                Run b = composed(() -> run(f, new Tensor[] {x}, seed));
                String what = (relu ? "relu " : "") + "pool k" + k + " s" + stride + " p" + pad + " d" + dil + " " + h
                        + "x" + w + " " + d;
                assertThat(a.value().contentEquals(b.value())).as(what).isTrue();
                if (relu && stride >= dil * (k - 1) + 1) {
                    // the same numbers; ReLU's derivative multiplies, so the composition's zeros can be -0
                    assertClose(a.grads()[0], b.grads()[0], 0, what + " gradient");
                } else if (stride >= dil * (k - 1) + 1) {
                    // windows do not overlap: each input takes at most one gradient, so the bits agree
                    assertThat(a.grads()[0].contentEquals(b.grads()[0])).as(what + " gradient").isTrue();
                } else {
                    // overlapping windows add several gradients into one input, in another order
                    assertClose(a.grads()[0], b.grads()[0], d == DType.F32 ? 1e-6 : 1e-14, what + " gradient");
                }
            }
        });
    }

    @Test
    void crossEntropyAndSoftmaxEqualTheCompositionWithinRounding() {
        qt().withExamples(40).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            int n = 1 + r.nextInt(20);
            int c = 1 + r.nextInt(12);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = r.nextInt(c);
            }
            for (DType d : DType.values()) {
                double tol = d == DType.F32 ? 2e-6 : 1e-13;
                Tensor logits = Generators.normal(r.nextLong(), d, n, c).mul(3);
                Function<Tensor[], Tensor> ce = x -> Losses.crossEntropy(x[0], labels);
                Run a = fused(() -> run(ce, new Tensor[] {logits}, seed));
                Run b = composed(() -> run(ce, new Tensor[] {logits}, seed));
                assertClose(a.value(), b.value(), tol, "cross-entropy " + d);
                assertClose(a.grads()[0], b.grads()[0], tol, "cross-entropy gradient " + d);
                Run s = run(x -> Fused.softmax(x[0]), new Tensor[] {logits}, seed);
                Run t = run(x -> x[0].softmax(1), new Tensor[] {logits}, seed);
                assertClose(s.value(), t.value(), tol, "softmax " + d);
                assertClose(s.grads()[0], t.grads()[0], tol, "softmax gradient " + d);
            }
        });
    }

    @Test
    void crossEntropyIsStableForHugeLogits() {
        Tensor logits = Tensor.of(new float[] {1e30f, 0, -1e30f, 5}, 2, 2);
        Tensor loss = fused(() -> Losses.crossEntropy(logits, new int[] {0, 1}));
        assertThat(loss.item()).isCloseTo((0 + Math.log1p(Math.exp(-5 - 1e30))) / 2, org.assertj.core.data.Offset.offset(1e-6));
    }

    // ---------------------------------------------------------------- derivatives of the fused primitives

    record Case(String name, Function<Rng, Tensor[]> inputs, Function<Rng, Function<Tensor[], Tensor>> f) {}

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        DType d = DType.F64;
        c.add(new Case("linear", r -> new Tensor[] {Generators.normal(r.nextLong(), d, 3, 4),
                Generators.normal(r.nextLong(), d, 2, 4), Generators.normal(r.nextLong(), d, 2)},
                r -> x -> Fused.linear(x[0], x[1], x[2])));
        c.add(new Case("cross-entropy", r -> new Tensor[] {Generators.normal(r.nextLong(), d, 3, 4)},
                r -> x -> Fused.crossEntropy(x[0], new int[] {2, 0, 3})));
        c.add(new Case("softmax", r -> new Tensor[] {Generators.normal(r.nextLong(), d, 2, 4)},
                r -> x -> Fused.softmax(x[0])));
        c.add(new Case("max pool 2x2", r -> new Tensor[] {Generators.normal(r.nextLong(), d, 2, 2, 4, 5)},
                r -> x -> Fused.maxPool2d(x[0], 2, 2, 0, 1)));
        c.add(new Case("max pool 3x3 stride 2 padding 1", r -> new Tensor[] {
                Generators.normal(r.nextLong(), d, 1, 2, 5, 5)}, r -> x -> Fused.maxPool2d(x[0], 3, 2, 1, 1)));
        c.add(new Case("relu max pool 2x2", r -> new Tensor[] {Generators.normal(r.nextLong(), d, 2, 2, 4, 5)},
                r -> x -> Fused.reluMaxPool2d(x[0], 2, 2, 0, 1)));
        c.add(new Case("relu max pool 3x3 stride 2 padding 1", r -> new Tensor[] {
                Generators.normal(r.nextLong(), d, 1, 2, 5, 5)}, r -> x -> Fused.reluMaxPool2d(x[0], 3, 2, 1, 1)));
        c.add(new Case("conv2d", r -> {
            ConvCase cc = ConvCase.random(new Rng(r.nextLong()));
            // a few samples: the float64 differences see the same kernels for any batch (the samples-in-lanes ones
            // are float32 only, compared with the composition above), and a batch of 40 makes the check slow
            int n = Math.min(cc.n(), 3);
            return new Tensor[] {Generators.normal(r.nextLong(), d, n, cc.c(), cc.h(), cc.w()),
                    Generators.normal(r.nextLong(), d, cc.o(), cc.c(), cc.k(), cc.k()),
                    Generators.normal(r.nextLong(), d, cc.o())};
        }, r -> x -> {
            int k = x[1].size(2);
            // the geometry is read back from the shapes; stride 1, padding and dilation from the kernel size
            Conv2dGeometry g = Conv2dGeometry.of(x[0].size(1), x[0].size(2), x[0].size(3), k, 1, k / 2, 1);
            return Fused.conv2d(x[0], x[1], x[2], g);
        }));
        c.add(new Case("conv2d strided, dilated, padded", r -> new Tensor[] {
                Generators.normal(r.nextLong(), d, 2, 2, 6, 7), Generators.normal(r.nextLong(), d, 3, 2, 2, 2),
                Generators.normal(r.nextLong(), d, 3)},
                r -> x -> Fused.conv2d(x[0], x[1], x[2], Conv2dGeometry.of(2, 6, 7, 2, 2, 1, 2))));
        c.add(new Case("conv2d with 17 output channels, strided, padded", r -> new Tensor[] {
                Generators.normal(r.nextLong(), d, 2, 2, 5, 6), Generators.normal(r.nextLong(), d, 17, 2, 3, 3),
                Generators.normal(r.nextLong(), d, 17)},
                r -> x -> Fused.conv2d(x[0], x[1], x[2], Conv2dGeometry.of(2, 5, 6, 3, 2, 1, 1))));
        c.add(new Case("convTranspose2d", r -> new Tensor[] {
                Generators.normal(r.nextLong(), d, 2, 3, 3, 3), Generators.normal(r.nextLong(), d, 3, 2, 2, 2)},
                r -> x -> Fused.convTranspose2d(x[0], x[1], Conv2dGeometry.of(2, 6, 6, 2, 2, 0, 1))));
        c.add(new Case("conv then relu then pool", r -> new Tensor[] {
                Generators.normal(r.nextLong(), d, 2, 1, 6, 6), Generators.normal(r.nextLong(), d, 2, 1, 3, 3),
                Generators.normal(r.nextLong(), d, 2)},
                r -> x -> Fused.maxPool2d(Fused.conv2d(x[0], x[1], x[2], Conv2dGeometry.of(1, 6, 6, 3, 1, 1, 1))
                        .relu(), 2, 2, 0, 1)));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> gradientsMatchCentralDifferences() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () ->
                qt().withExamples(6).forAll(Generators.seeds()).checkAssert(seed -> {
                    Rng r = new Rng(seed);
                    Tensor[] in = c.inputs().apply(r);
                    double err = GradCheck.gradientError(c.f().apply(r), seed, in);
                    assertThat(err).as("%s: gradient error", c.name()).isLessThan(1e-6);
                })));
    }

    @TestFactory
    Stream<DynamicTest> hessianVectorProductsMatchDifferencesOfGradients() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () ->
                qt().withExamples(4).forAll(Generators.seeds()).checkAssert(seed -> {
                    Rng r = new Rng(seed);
                    Tensor[] in = c.inputs().apply(r);
                    Function<Tensor[], Tensor> f = c.f().apply(r);
                    Function<Tensor[], Tensor> squared = x -> f.apply(x).square();
                    assertThat(GradCheck.hessianVectorError(squared, seed, in)).as("%s: HVP error", c.name())
                            .isLessThan(1e-5);
                    assertThat(GradCheck.hessianAsymmetry(squared, seed, in)).as("%s: asymmetry", c.name())
                            .isLessThan(1e-9);
                })));
    }

    // ---------------------------------------------------------------- recycled gradient buffers

    @Test
    void recycledBuffersNeverOverwriteGradientsSomeoneHolds() {
        Rng r = new Rng(5);
        Tensor w1 = Tensor.normal(r, 0, 0.1, DType.F32, 8, 3, 3, 3).requiresGrad(true);
        Tensor w2 = Tensor.normal(r, 0, 0.1, DType.F32, 10, 8 * 16 * 16).requiresGrad(true);
        int[] labels = new int[64];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = r.nextInt(10);
        }
        List<Tensor> held = new ArrayList<>();
        List<float[]> copies = new ArrayList<>();
        for (int step = 0; step < 3; step++) {
            Tensor x = Tensor.normal(r, 0, 1, DType.F32, 64, 3, 32, 32);
            Tensor h = Functional.conv2d(x, w1, null, 1, 1, 1, 1).relu();
            h.retainGrad();
            Tensor p = Functional.maxPool2d(h, 2, 2, 0, 1).flatten(1);
            Losses.crossEntropy(Functional.linear(p, w2, null), labels).backward();
            // what the caller can see: the leaves' gradients and a retained activation gradient (large arrays)
            for (Tensor t : new Tensor[] {w1.grad(), w2.grad(), h.grad()}) {
                held.add(t);
                copies.add(t.toFloatArray());
            }
            w1.setGrad(null);
            w2.setGrad(null);
        }
        for (int i = 0; i < held.size(); i++) {
            // Arrays.equals: AssertJ's containsExactly diffs in quadratic time on arrays this large
            assertThat(java.util.Arrays.equals(held.get(i).toFloatArray(), copies.get(i))).as("held gradient %d", i)
                    .isTrue();
        }
    }

    @Test
    void aPlainBackwardRecyclesItsIntermediateGradientsAndARecordedOneDoesNot() {
        Rng r = new Rng(6);
        Tensor w = Tensor.normal(r, 0, 0.1, DType.F32, 8, 3, 3, 3).requiresGrad(true);
        Tensor x = Tensor.normal(r, 0, 1, DType.F32, 32, 3, 32, 32);
        int size = 32 * 8 * 32 * 32;
        Supplier<Tensor> loss = () -> Functional.maxPool2d(Functional.conv2d(x, w, null, 1, 1, 1, 1).relu(), 2, 2, 0, 1)
                .sum();
        long before = BufferPool.heldElements();
        Autograd.grad(loss.get(), new Tensor[] {w}, true);
        assertThat(BufferPool.heldElements()).as("a recorded backward recycles nothing").isEqualTo(before);
        loss.get().backward();
        long after = BufferPool.heldElements();
        // the gradients of the ReLU's input and output (each 32 x 8 x 32 x 32) went back to the pool
        assertThat(after - before).isGreaterThanOrEqualTo(size);
        // a forward takes nothing from the pool (its arrays may outlive the step); the next backward does
        loss.get();
        assertThat(BufferPool.heldElements()).as("after a forward").isEqualTo(after);
        loss.get().backward();
        assertThat(BufferPool.heldElements()).as("after the next backward").isEqualTo(after);
    }

    @Test
    void aLeNet5TrainingStepGivesTheSameBitsOnOneAndTwoThreads() {
        float[][] results = new float[2][];
        for (int t = 1; t <= 2; t++) {
            org.secateur.tensor.kernels.Parallel.setThreads(t);
            Rng rng = new Rng(9);
            org.secateur.nn.Module net = org.secateur.nn.Models.lenet5(rng);
            org.secateur.optim.SGD sgd = new org.secateur.optim.SGD(net.parameters(), 0.05, 0.9, 5e-4);
            for (int step = 0; step < 2; step++) {
                Tensor x = Tensor.normal(rng, 0, 1, DType.F32, 24, 1, 28, 28);
                int[] y = new int[24];
                for (int i = 0; i < y.length; i++) {
                    y[i] = rng.nextInt(10);
                }
                sgd.zeroGrad();
                Losses.crossEntropy(net.apply(x), y).backward();
                sgd.step();
            }
            List<float[]> all = new ArrayList<>();
            int total = 0;
            for (org.secateur.nn.Parameter p : net.parameters()) {
                all.add(p.data().toFloatArray());
                total += p.numel();
            }
            float[] flat = new float[total];
            int at = 0;
            for (float[] a : all) {
                System.arraycopy(a, 0, flat, at, a.length);
                at += a.length;
            }
            results[t - 1] = flat;
        }
        assertThat(java.util.Arrays.equals(results[0], results[1])).as("parameters after two steps").isTrue();
    }
}
