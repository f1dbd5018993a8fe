package org.secateur.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.secateur.autograd.GradMode;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;
import org.secateur.testing.GradCheck;

/**
 * Every layer and every loss against central differences in float64, as a function of its inputs (through
 * {@link GradCheck}) and of its parameters (GradCheck on the live parameter leaves, through the module's own
 * forward). Smooth ones also get the second-order checks: exact Hessian-vector products against differences of
 * gradients, and Hessian symmetry. The output is squared for those, so that layers linear in an argument (conv,
 * linear, pools) still carry a non-zero Hessian and their double backward is exercised.
 */
class LayerGradientTest {
    private static final DType D = DType.F64;
    private static final int EXAMPLES = 25;

    /** One random instance of a case: the inputs GradCheck varies, the function of them, and the parameters f uses. */
    record Instance(Tensor[] inputs, Function<Tensor[], Tensor> f, List<Parameter> params) {
        static Instance of(Function<Tensor[], Tensor> f, Tensor... inputs) {
            return new Instance(inputs, f, List.of());
        }

        /** A module applied to one input, checked with respect to the input and to all its parameters. */
        static Instance module(Module m, Tensor input) {
            m.to(D);
            return new Instance(new Tensor[] {input}, x -> m.apply(x[0]), m.parameters());
        }
    }

    record Case(String name, Function<Rng, Instance> make, boolean smooth) {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * How close a ReLU input may come to 0 in the cases with ReLUs inside: a parameter moved by the difference step
     * ({@link GradCheck#EPS}) moves a pre-activation by that step times its sensitivity, which batch normalisation over
     * a few values can make large.
     */
    private static final double KINK_MARGIN = 1e-3;

    /** The smallest |input| of {@code relu} over one forward of {@code instance}. */
    private static double distanceToKink(Module relu, Instance instance) {
        double[] nearest = {Double.POSITIVE_INFINITY};
        try (var hook = relu.addForwardHook(ForwardHook.observer((m, input, output) -> {
            for (double v : input.toDoubleArray()) {
                nearest[0] = Math.min(nearest[0], Math.abs(v));
            }
        })); var off = GradMode.noGrad()) {
            instance.f().apply(instance.inputs());
        }
        return nearest[0];
    }

    private static int dim(Rng r, int max) {
        return 1 + r.nextInt(max);
    }

    private static Tensor n(Rng r, int... shape) {
        return Generators.normal(r.nextLong(), D, shape);
    }

    private static Tensor awayFromZero(Rng r, int... shape) {
        Tensor t = Generators.uniform(r.nextLong(), 0.2, 2, D, shape);
        for (int i = 0; i < t.numel(); i++) {
            if (r.nextInt(2) == 0) {
                t.setFlat(i, -t.getFlat(i));
            }
        }
        return t;
    }

    private static int[] labels(Rng r, int n, int c) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(c);
        }
        return y;
    }

    /** A random {@code [N, C, H, W]} input with a conv or pool window that fits it. */
    private record Window(int n, int c, int h, int w, int k, int stride, int pad, int dil) {
        static Window random(Rng r, int c, boolean pool) {
            int k = 1 + r.nextInt(3);
            int dil = pool ? 1 : 1 + r.nextInt(2);
            int pad = r.nextInt(k / 2 + 1);
            int span = dil * (k - 1) + 1;
            int h = Math.max(1, span - 2 * pad) + r.nextInt(4);
            int w = Math.max(1, span - 2 * pad) + r.nextInt(4);
            return new Window(1 + r.nextInt(2), c, h, w, k, 1 + r.nextInt(2), pad, dil);
        }
    }

    static List<Case> layerCases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("Conv2d (random stride, padding, dilation, groups)", r -> {
            int groups = 1 + r.nextInt(2);
            Window g = Window.random(r, groups * dim(r, 2), false);
            Conv2d conv = new Conv2d(g.c(), groups * dim(r, 2), g.k(), g.stride(), g.pad(), g.dil(), groups, true, r);
            return Instance.module(conv, n(r, g.n(), g.c(), g.h(), g.w()));
        }, true));
        c.add(new Case("Linear on [B, T, in]", r -> {
            int in = dim(r, 4);
            return Instance.module(new Linear(in, dim(r, 4), r), n(r, dim(r, 2), dim(r, 3), in));
        }, true));
        c.add(new Case("MaxPool2d", r -> {
            Window g = Window.random(r, dim(r, 2), true);
            return Instance.module(Pool2d.max(g.k(), g.stride(), g.pad()), n(r, g.n(), g.c(), g.h(), g.w()));
        }, false));
        c.add(new Case("AvgPool2d", r -> {
            Window g = Window.random(r, dim(r, 2), true);
            return Instance.module(Pool2d.avg(g.k(), g.stride(), g.pad()), n(r, g.n(), g.c(), g.h(), g.w()));
        }, true));
        c.add(new Case("AdaptiveAvgPool2d", r -> Instance.module(Pool2d.adaptiveAvg(dim(r, 3), dim(r, 3)),
                n(r, dim(r, 2), dim(r, 2), dim(r, 5), dim(r, 5))), true));
        // Training-mode batch norm gets at least four values per channel: with two nearly equal ones the batch
        // deviation nears sqrt(eps), the third derivative explodes, and the finite-difference reference (not the
        // exact Hessian-vector product) loses its accuracy.
        c.add(new Case("BatchNorm2d, training", r -> {
            int ch = dim(r, 3);
            return Instance.module(affine(BatchNorm.batchNorm2d(ch), r), n(r, 1 + dim(r, 2), ch, 1 + dim(r, 2), 2));
        }, true));
        c.add(new Case("BatchNorm1d [N, C], training", r -> {
            int ch = dim(r, 3);
            return Instance.module(affine(BatchNorm.batchNorm1d(ch), r), n(r, 4 + r.nextInt(3), ch));
        }, true));
        c.add(new Case("BatchNorm1d [N, C, L], eval", r -> {
            int ch = dim(r, 3);
            BatchNorm bn = affine(BatchNorm.batchNorm1d(ch), r);
            bn.to(D).apply(n(r, 4, ch, 3));  // moves the running statistics away from (0, 1)
            bn.eval();
            return Instance.module(bn, n(r, dim(r, 3), ch, dim(r, 3)));
        }, true));
        c.add(new Case("LayerNorm over the last two dimensions", r -> {
            int a = dim(r, 3);
            int b = 1 + dim(r, 3);
            LayerNorm ln = new LayerNorm(a, b);
            ln.to(D);
            ln.weight.data().copyFromInPlace(n(r, a, b));
            ln.bias.data().copyFromInPlace(n(r, a, b));
            return Instance.module(ln, n(r, dim(r, 3), a, b));
        }, true));
        c.add(new Case("GELU", r -> Instance.module(Activation.gelu(), n(r, dim(r, 3), dim(r, 5))), true));
        c.add(new Case("SiLU", r -> Instance.module(Activation.silu(), n(r, dim(r, 3), dim(r, 5))), true));
        c.add(new Case("LeakyReLU", r -> Instance.module(Activation.leakyRelu(0.1 + r.nextDouble()),
                awayFromZero(r, dim(r, 3), dim(r, 5))), false));
        c.add(new Case("Softmax", r -> Instance.module(Activation.softmax(-1), n(r, dim(r, 3), dim(r, 5))), true));
        c.add(new Case("GatedMlp", r -> {
            int d = dim(r, 4);
            return Instance.module(new GatedMlp(d, dim(r, 5), r), n(r, dim(r, 3), d));
        }, true));
        c.add(new Case("BasicBlock (identity or projection shortcut)", r -> {
            // Drawn again until every input of its ReLUs is at least KINK_MARGIN from the kink, as LeakyReLU's cases
            // draw inputs away from zero: a difference step that straddles a kink measures neither side's slope.
            while (true) {
                int in = dim(r, 2);
                int planes = dim(r, 3);
                int stride = 1 + r.nextInt(2);
                BasicBlock block = new BasicBlock(in, planes, stride, r);
                // at least 2 x 2 outputs, so that batch normalisation sees 8 values a channel: over 2 it returns
                // about +-1 whatever its input, and differences of that near-constant are all rounding
                Instance instance = Instance.module(block,
                        n(r, 2, in, stride + 1 + r.nextInt(3), stride + 1 + r.nextInt(3)));
                if (distanceToKink(block.relu, instance) >= KINK_MARGIN) {
                    return instance;
                }
            }
        }, false));
        c.add(new Case("Residual(Linear, Tanh)", r -> {
            int d = dim(r, 4);
            return Instance.module(new Residual(new Sequential(new Linear(d, d, r), Activation.tanh())), n(r, dim(r, 3), d));
        }, true));
        c.add(new Case("Embedding", r -> {
            Embedding e = new Embedding(dim(r, 5), dim(r, 3), r);
            e.to(D);
            int[] idx = labels(r, 6, e.numEmbeddings);
            return new Instance(new Tensor[0], x -> e.lookup(idx, 2, 3), e.parameters());
        }, true));
        c.add(new Case("Dropout with a fixed mask", r -> {
            long seed = r.nextLong();
            double p = 0.2 + 0.5 * r.nextDouble();
            return Instance.of(x -> new Dropout(p, new Rng(seed)).apply(x[0]), n(r, dim(r, 4), dim(r, 5)));
        }, true));
        return c;
    }

    /** Batch norm with random affine parameters, so that their gradients are not checked at the identity. */
    private static BatchNorm affine(BatchNorm bn, Rng r) {
        bn.to(D);
        bn.weight.data().copyFromInPlace(n(r, bn.numFeatures));
        bn.bias.data().copyFromInPlace(n(r, bn.numFeatures));
        return bn;
    }

    static List<Case> lossCases() {
        List<Case> c = new ArrayList<>();
        for (Reduction red : Reduction.values()) {
            c.add(new Case("crossEntropy " + red, r -> {
                int n = dim(r, 4);
                int k = 1 + dim(r, 4);
                int[] y = labels(r, n, k);
                return Instance.of(x -> Losses.crossEntropy(x[0], y, red, 0), n(r, n, k));
            }, true));
        }
        c.add(new Case("crossEntropy with label smoothing", r -> {
            int n = dim(r, 4);
            int k = 1 + dim(r, 4);
            int[] y = labels(r, n, k);
            double eps = r.nextDouble();
            return Instance.of(x -> Losses.crossEntropy(x[0], y, Reduction.MEAN, eps), n(r, n, k));
        }, true));
        c.add(new Case("crossEntropy with soft targets", r -> {
            int n = dim(r, 4);
            int k = 1 + dim(r, 4);
            return Instance.of(x -> Losses.crossEntropy(x[0], x[1].softmax(1)), n(r, n, k), n(r, n, k));
        }, true));
        c.add(new Case("nll", r -> {
            int n = dim(r, 4);
            int k = 1 + dim(r, 4);
            int[] y = labels(r, n, k);
            return Instance.of(x -> Losses.nll(x[0].logSoftmax(1), y), n(r, n, k));
        }, true));
        c.add(new Case("mse", r -> {
            int[] s = {dim(r, 3), dim(r, 4)};
            return Instance.of(x -> Losses.mse(x[0], x[1]), n(r, s), n(r, s));
        }, true));
        c.add(new Case("distillation KL with temperature", r -> {
            int n = dim(r, 4);
            int k = 1 + dim(r, 4);
            double t = 0.5 + 4 * r.nextDouble();
            return Instance.of(x -> Losses.distillationKl(x[0], x[1], t), n(r, n, k), n(r, n, k));
        }, true));
        c.add(new Case("bceWithLogits", r -> {
            int[] s = {dim(r, 3), dim(r, 4)};
            return Instance.of(x -> Losses.bceWithLogits(x[0], x[1]), n(r, s).mul(3),
                    Generators.uniform(r.nextLong(), 0, 1, D, s));
        }, true));
        return c;
    }

    static Stream<Case> allCases() {
        return Stream.concat(layerCases().stream(), lossCases().stream());
    }

    @TestFactory
    Stream<DynamicTest> gradientsWithRespectToInputs() {
        return allCases().filter(c -> sample(c).inputs().length > 0)
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> forEachInstance(c, (seed, in) ->
                        assertThat(GradCheck.gradientError(in.f(), seed, in.inputs()))
                                .as("%s: input gradient error for %s", c, shapes(in.inputs())).isLessThan(1e-6))));
    }

    @TestFactory
    Stream<DynamicTest> gradientsWithRespectToParameters() {
        return allCases().filter(c -> !sample(c).params().isEmpty())
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> forEachInstance(c, (seed, in) ->
                        assertThat(GradCheck.gradientError(output(in), seed, leaves(in.params())))
                                .as("%s: parameter gradient error for %s", c, shapes(in.inputs())).isLessThan(1e-6))));
    }

    @TestFactory
    Stream<DynamicTest> hessianVectorProductsOfSmoothLayersAndLosses() {
        return allCases().filter(Case::smooth).map(c -> DynamicTest.dynamicTest(c.name(), () ->
                forEachInstance(c, (seed, in) -> checkSecondOrder(c, seed, in))));
    }

    private static void checkSecondOrder(Case c, long seed, Instance in) {
        Function<Tensor[], Tensor> squared = x -> in.f().apply(x).square();
        if (in.inputs().length > 0) {
            assertThat(GradCheck.hessianVectorError(squared, seed, in.inputs()))
                    .as("%s: input HVP error for %s", c, shapes(in.inputs())).isLessThan(1e-5);
            assertThat(GradCheck.hessianAsymmetry(squared, seed, in.inputs()))
                    .as("%s: input Hessian asymmetry for %s", c, shapes(in.inputs())).isLessThan(1e-9);
        }
        if (!in.params().isEmpty()) {
            Supplier<Tensor> out = () -> output(in).get().square();
            assertThat(GradCheck.hessianVectorError(out, seed, leaves(in.params())))
                    .as("%s: parameter HVP error for %s", c, shapes(in.inputs())).isLessThan(1e-5);
            assertThat(GradCheck.hessianAsymmetry(out, seed, leaves(in.params())))
                    .as("%s: parameter Hessian asymmetry for %s", c, shapes(in.inputs())).isLessThan(1e-9);
        }
    }

    /** One instance, to see what kind of arguments a case has. */
    private static Instance sample(Case c) {
        return c.make().apply(new Rng(0));
    }

    /** The instance's output at its fixed inputs, as a function of its parameters. */
    private static Supplier<Tensor> output(Instance in) {
        return () -> in.f().apply(in.inputs());
    }

    private interface Check {
        void check(long seed, Instance instance);
    }

    private static void forEachInstance(Case c, Check check) {
        qt().withExamples(EXAMPLES).forAll(Generators.seeds())
                .checkAssert(seed -> check.check(seed, c.make().apply(new Rng(seed))));
    }

    private static String shapes(Tensor[] in) {
        StringBuilder sb = new StringBuilder();
        for (Tensor t : in) {
            sb.append(Shape.str(t.shape()));
        }
        return sb.toString();
    }

    /** The parameters' live value tensors, which the checks perturb in place and restore. */
    private static Tensor[] leaves(java.util.List<Parameter> params) {
        return params.stream().map(Parameter::data).toArray(Tensor[]::new);
    }
}
