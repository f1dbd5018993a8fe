package org.secateur.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.secateur.testing.Generators.normal;
import static org.secateur.testing.Generators.uniform;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.secateur.testing.GradCheck;
import org.secateur.testing.Generators;

/**
 * Every differentiable primitive (and the composites built on them) against central differences in float64:
 * first order, then second order (exact Hessian-vector product against differences of the gradient, and the
 * symmetry of the Hessian). The second-order checks square the output, so that even linear operations carry a
 * non-zero Hessian and their double backward is exercised.
 */
class OpGradientTest {

    /** An operation under test: random inputs from a seed, and the function of them. */
    record Case(String name, Function<Rng, Tensor[]> inputs, Function<Tensor[], Tensor> f, boolean smooth) {}

    private static final DType D = DType.F64;

    private static int dim(Rng r, int max) {
        return 1 + r.nextInt(max);
    }

    private static int[] shape(Rng r, int maxRank, int maxDim) {
        int[] s = new int[1 + r.nextInt(maxRank)];
        for (int i = 0; i < s.length; i++) {
            s[i] = dim(r, maxDim);
        }
        return s;
    }

    /** A shape that broadcasts against {@code s}: some leading dimensions dropped, some dimensions set to 1. */
    private static int[] broadcastable(Rng r, int[] s) {
        int drop = r.nextInt(s.length + 1);
        int[] b = java.util.Arrays.copyOfRange(s, drop, s.length);
        for (int i = 0; i < b.length; i++) {
            if (r.nextInt(3) == 0) {
                b[i] = 1;
            }
        }
        return b;
    }

    private static Tensor n(Rng r, int... shape) {
        return normal(r.nextLong(), D, shape);
    }

    /** Values bounded away from zero, of random sign. */
    private static Tensor awayFromZero(Rng r, int... shape) {
        Tensor t = uniform(r.nextLong(), 0.5, 2, D, shape);
        for (int i = 0; i < t.numel(); i++) {
            if (r.nextInt(2) == 0) {
                t.setFlat(i, -t.getFlat(i));
            }
        }
        return t;
    }

    private static Tensor positive(Rng r, int... shape) {
        return uniform(r.nextLong(), 0.5, 2, D, shape);
    }

    private static int[] indices(Rng r, int count, int bound) {
        int[] idx = new int[count];
        for (int i = 0; i < count; i++) {
            idx[i] = r.nextInt(bound);
        }
        return idx;
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        // elementwise binary with broadcasting
        c.add(new Case("add", r -> {
            int[] s = shape(r, 4, 4);
            return new Tensor[] {n(r, s), n(r, broadcastable(r, s))};
        }, x -> x[0].add(x[1]), true));
        c.add(new Case("sub (broadcast on the left)", r -> {
            int[] s = shape(r, 4, 4);
            return new Tensor[] {n(r, broadcastable(r, s)), n(r, s)};
        }, x -> x[0].sub(x[1]), true));
        c.add(new Case("mul", r -> {
            int[] s = shape(r, 4, 4);
            return new Tensor[] {n(r, s), n(r, broadcastable(r, s))};
        }, x -> x[0].mul(x[1]), true));
        c.add(new Case("div", r -> {
            int[] s = shape(r, 4, 4);
            return new Tensor[] {n(r, s), awayFromZero(r, broadcastable(r, s))};
        }, x -> x[0].div(x[1]), true));
        c.add(new Case("maximum", r -> {
            int[] s = shape(r, 3, 4);
            return new Tensor[] {n(r, s), n(r, s)};
        }, x -> x[0].maximum(x[1]), false));
        c.add(new Case("minimum", r -> {
            int[] s = shape(r, 3, 4);
            return new Tensor[] {n(r, s), n(r, broadcastable(r, s))};
        }, x -> x[0].minimum(x[1]), false));
        // unary
        c.add(new Case("neg", r -> new Tensor[] {n(r, shape(r, 3, 5))}, x -> x[0].neg(), true));
        c.add(new Case("exp", r -> new Tensor[] {n(r, shape(r, 3, 5))}, x -> x[0].exp(), true));
        c.add(new Case("log", r -> new Tensor[] {positive(r, shape(r, 3, 5))}, x -> x[0].log(), true));
        c.add(new Case("sqrt", r -> new Tensor[] {positive(r, shape(r, 3, 5))}, x -> x[0].sqrt(), true));
        c.add(new Case("tanh", r -> new Tensor[] {n(r, shape(r, 3, 5))}, x -> x[0].tanh(), true));
        c.add(new Case("sigmoid", r -> new Tensor[] {n(r, shape(r, 3, 5))}, x -> x[0].sigmoid(), true));
        c.add(new Case("abs", r -> new Tensor[] {awayFromZero(r, shape(r, 3, 5))}, x -> x[0].abs(), false));
        c.add(new Case("relu", r -> new Tensor[] {awayFromZero(r, shape(r, 3, 5))}, x -> x[0].relu(), false));
        c.add(new Case("square", r -> new Tensor[] {n(r, shape(r, 3, 5))}, x -> x[0].square(), true));
        c.add(new Case("reciprocal", r -> new Tensor[] {awayFromZero(r, shape(r, 3, 5))}, x -> x[0].reciprocal(), true));
        c.add(new Case("erf", r -> new Tensor[] {n(r, shape(r, 3, 5))}, x -> x[0].erf(), true));
        c.add(new Case("pow 3", r -> new Tensor[] {n(r, shape(r, 3, 5))}, x -> x[0].pow(3), true));
        c.add(new Case("pow -1.5", r -> new Tensor[] {positive(r, shape(r, 3, 5))}, x -> x[0].pow(-1.5), true));
        c.add(new Case("clamp", r -> new Tensor[] {n(r, shape(r, 3, 5))}, x -> x[0].clamp(-0.5, 0.7), false));
        c.add(new Case("where", r -> {
            int[] s = shape(r, 3, 4);
            return new Tensor[] {n(r, s), n(r, broadcastable(r, s))};
        }, x -> Tensor.where(x[0].detach().gt(0.3), x[0], x[1]), true));
        // reductions
        c.add(new Case("sum over random axes", r -> new Tensor[] {n(r, shape(r, 4, 4))}, x -> {
            int rank = x[0].rank();
            Rng r = new Rng(x[0].numel() * 31L + rank);
            List<Integer> axes = new ArrayList<>();
            for (int a = 0; a < rank; a++) {
                if (r.nextInt(2) == 0) {
                    axes.add(a);
                }
            }
            return x[0].sum(axes.stream().mapToInt(Integer::intValue).toArray(), r.nextInt(2) == 0);
        }, true));
        c.add(new Case("mean", r -> new Tensor[] {n(r, shape(r, 3, 4))}, x -> x[0].mean(0, true), true));
        c.add(new Case("var", r -> new Tensor[] {n(r, 1 + dim(r, 4), dim(r, 4))}, x -> x[0].var(new int[] {0}, false, true), true));
        c.add(new Case("max along an axis", r -> new Tensor[] {n(r, shape(r, 3, 4))},
                x -> x[0].max(x[0].rank() - 1, false), false));
        c.add(new Case("max over everything", r -> new Tensor[] {n(r, shape(r, 3, 4))}, x -> x[0].max(), false));
        c.add(new Case("logSumExp", r -> new Tensor[] {n(r, dim(r, 4), dim(r, 5))}, x -> x[0].logSumExp(1, false), true));
        c.add(new Case("softmax", r -> new Tensor[] {n(r, dim(r, 4), dim(r, 5))}, x -> x[0].softmax(-1), true));
        c.add(new Case("logSoftmax", r -> new Tensor[] {n(r, dim(r, 4), dim(r, 5))}, x -> x[0].logSoftmax(0), true));
        // shape
        c.add(new Case("reshape", r -> new Tensor[] {n(r, 2, 3, 4)}, x -> x[0].reshape(4, -1), true));
        c.add(new Case("permute", r -> new Tensor[] {n(r, dim(r, 3), dim(r, 3), dim(r, 3), dim(r, 3))},
                x -> x[0].permute(2, 0, 3, 1), true));
        c.add(new Case("transpose", r -> new Tensor[] {n(r, dim(r, 4), dim(r, 5))}, x -> x[0].t(), true));
        c.add(new Case("expand", r -> new Tensor[] {n(r, dim(r, 3), 1, dim(r, 3))},
                x -> x[0].expand(2, x[0].size(0), 3, x[0].size(2)), true));
        c.add(new Case("sumTo", r -> new Tensor[] {n(r, 2, 3, 4)}, x -> x[0].sumTo(3, 1), true));
        c.add(new Case("narrow", r -> new Tensor[] {n(r, 3, 5, 2)}, x -> x[0].narrow(1, 1, 3), true));
        c.add(new Case("pad", r -> new Tensor[] {n(r, 3, 2)}, x -> x[0].pad(0, 1, 5), true));
        c.add(new Case("concat", r -> new Tensor[] {n(r, 2, 3), n(r, 2, 1), n(r, 2, 2)},
                x -> Tensor.concat(1, x[0], x[1], x[2]), true));
        c.add(new Case("stack", r -> new Tensor[] {n(r, 2, 3), n(r, 2, 3)}, x -> Tensor.stack(0, x[0], x[1]), true));
        c.add(new Case("indexSelect with repeats", r -> new Tensor[] {n(r, 4, 3)},
                x -> x[0].indexSelect(0, 3, 1, 3, 0, 1), true));
        c.add(new Case("indexAdd", r -> new Tensor[] {n(r, 2, 5)}, x -> x[0].indexAdd(1, new int[] {0, 2, 2, 4, 0}, 6), true));
        c.add(new Case("gather", r -> new Tensor[] {n(r, 3, 4)},
                x -> x[0].gather(1, new int[] {3, 0, 1, 1, 2, 2}, 3, 2), true));
        c.add(new Case("scatterAdd", r -> new Tensor[] {n(r, 3, 2)},
                x -> x[0].scatterAdd(1, new int[] {3, 0, 1, 1, 2, 2}, 3, 4), true));
        // matrix products, all four transposition cases, batched with broadcasting
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                c.add(new Case("matmul transA=" + ta + " transB=" + tb, r -> {
                    int m = dim(r, 5);
                    int k = dim(r, 5);
                    int nn = dim(r, 5);
                    int batch = dim(r, 3);
                    Tensor a = ta ? n(r, batch, k, m) : n(r, batch, m, k);
                    Tensor b = tb ? n(r, nn, k) : n(r, k, nn);
                    return new Tensor[] {a, b};
                }, x -> x[0].matmul(x[1], ta, tb), true));
            }
        }
        // im2col and col2im on random geometries
        c.add(new Case("unfold", r -> {
            Conv2dGeometry g = geometry(r);
            return new Tensor[] {n(r, 2, g.channels(), g.height(), g.width())};
        }, x -> x[0].unfold(geometryOf(x[0]), 0), true));
        c.add(new Case("fold", r -> {
            Conv2dGeometry g = geometry(r);
            return new Tensor[] {n(r, 2, g.patchSize(), g.positions())};
        }, x -> x[0].fold(foldGeometry(x[0])), true));
        c.add(new Case("cast to float64 and back", r -> new Tensor[] {n(r, 3, 2)}, x -> x[0].to(DType.F64), true));
        return c;
    }

    // The geometry must be recoverable from the input inside f, so it is derived from the input's shape.
    private static Conv2dGeometry geometry(Rng r) {
        int h = 3 + r.nextInt(4);
        int w = 3 + r.nextInt(4);
        return geometryFor(1 + r.nextInt(2), h, w);
    }

    private static Conv2dGeometry geometryFor(int c, int h, int w) {
        int k = Math.min(h, w) >= 5 ? 3 : 2;
        int stride = (h + w) % 2 + 1;
        int pad = h % 2;
        int dil = w % 3 == 0 ? 2 : 1;
        if ((Math.min(h, w) + 2 * pad - dil * (k - 1) - 1) < 0) {
            dil = 1;
        }
        return Conv2dGeometry.of(c, h, w, k, stride, pad, dil);
    }

    private static Conv2dGeometry geometryOf(Tensor x) {
        return geometryFor(x.size(1), x.size(2), x.size(3));
    }

    private static final java.util.Map<String, Conv2dGeometry> FOLD = new java.util.concurrent.ConcurrentHashMap<>();

    private static Conv2dGeometry foldGeometry(Tensor cols) {
        // search the (small) space of geometries for the one that produced this column shape
        for (int c = 1; c <= 2; c++) {
            for (int h = 3; h <= 6; h++) {
                for (int w = 3; w <= 6; w++) {
                    Conv2dGeometry g = geometryFor(c, h, w);
                    if (g.patchSize() == cols.size(1) && g.positions() == cols.size(2)) {
                        return g;
                    }
                }
            }
        }
        throw new IllegalStateException("no geometry for " + Shape.str(cols.shape()));
    }

    private static final int EXAMPLES = 25;

    @TestFactory
    Stream<DynamicTest> gradientsMatchCentralDifferences() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () ->
                qt().withExamples(EXAMPLES).forAll(Generators.seeds()).checkAssert(seed -> {
                    Tensor[] in = c.inputs().apply(new Rng(seed));
                    double err = GradCheck.gradientError(c.f(), seed, in);
                    assertThat(err).as("%s: gradient error for inputs %s", c.name(), shapes(in)).isLessThan(1e-6);
                })));
    }

    @TestFactory
    Stream<DynamicTest> hessianVectorProductsMatchDifferencesOfGradients() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () ->
                qt().withExamples(EXAMPLES).forAll(Generators.seeds()).checkAssert(seed -> {
                    Tensor[] in = c.inputs().apply(new Rng(seed));
                    Function<Tensor[], Tensor> squared = x -> c.f().apply(x).square();
                    double err = GradCheck.hessianVectorError(squared, seed, in);
                    assertThat(err).as("%s: HVP error for inputs %s", c.name(), shapes(in)).isLessThan(1e-5);
                    double asym = GradCheck.hessianAsymmetry(squared, seed, in);
                    assertThat(asym).as("%s: Hessian asymmetry for inputs %s", c.name(), shapes(in)).isLessThan(1e-9);
                })));
    }

    private static String shapes(Tensor[] in) {
        StringBuilder sb = new StringBuilder();
        for (Tensor t : in) {
            sb.append(Shape.str(t.shape()));
        }
        return sb.toString();
    }
}
