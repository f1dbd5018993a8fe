package org.secateur.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;

import org.junit.jupiter.api.Test;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

/**
 * Convolution and pooling (im2col and a matrix product or reduction) against the definitions written as plain
 * nested loops, on random shapes and window geometries, in float64.
 */
class ConvPoolReferenceTest {
    private static final DType D = DType.F64;

    /** A random input and window; {@code pool} limits padding to half the kernel and dilation to 1, as PyTorch. */
    private record Geometry(int n, int c, int h, int w, int k, int stride, int pad, int dil) {
        static Geometry random(Rng r, int channels, boolean pool) {
            int k = 1 + r.nextInt(4);
            int dil = pool ? 1 : 1 + r.nextInt(3);
            int pad = pool ? r.nextInt(k / 2 + 1) : r.nextInt(3);
            int span = dil * (k - 1) + 1;
            int h = Math.max(1, span - 2 * pad) + r.nextInt(6);
            int w = Math.max(1, span - 2 * pad) + r.nextInt(6);
            return new Geometry(1 + r.nextInt(3), channels, h, w, k, 1 + r.nextInt(3), pad, dil);
        }

        int out(int size) {
            return (size + 2 * pad - dil * (k - 1) - 1) / stride + 1;
        }

        /** Input row (or column) of output position {@code o} and kernel tap {@code t}. */
        int at(int o, int t) {
            return o * stride - pad + t * dil;
        }
    }

    @Test
    void conv2dEqualsTheSevenLoopDefinition() {
        qt().withExamples(60).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            int groups = 1 + r.nextInt(3);
            Geometry g = Geometry.random(r, groups * (1 + r.nextInt(3)), false);
            int o = groups * (1 + r.nextInt(3));
            int cg = g.c() / groups;
            Tensor x = Generators.normal(r.nextLong(), D, g.n(), g.c(), g.h(), g.w());
            Tensor w = Generators.normal(r.nextLong(), D, o, cg, g.k(), g.k());
            Tensor b = Generators.normal(r.nextLong(), D, o);
            Tensor y = Functional.conv2d(x, w, b, g.stride(), g.pad(), g.dil(), groups);
            int oh = g.out(g.h());
            int ow = g.out(g.w());
            assertThat(y.shape()).containsExactly(g.n(), o, oh, ow);
            int og = o / groups;
            for (int ni = 0; ni < g.n(); ni++) {
                for (int oc = 0; oc < o; oc++) {
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) {
                            double acc = b.get(oc);
                            int group = oc / og;
                            for (int ic = 0; ic < cg; ic++) {
                                for (int ki = 0; ki < g.k(); ki++) {
                                    for (int kj = 0; kj < g.k(); kj++) {
                                        int hi = g.at(i, ki);
                                        int wj = g.at(j, kj);
                                        if (hi >= 0 && hi < g.h() && wj >= 0 && wj < g.w()) {
                                            acc += w.get(oc, ic, ki, kj) * x.get(ni, group * cg + ic, hi, wj);
                                        }
                                    }
                                }
                            }
                            assertThat(y.get(ni, oc, i, j)).as("%s at (%d, %d, %d, %d)", g, ni, oc, i, j)
                                    .isCloseTo(acc, within(1e-12));
                        }
                    }
                }
            }
        });
    }

    @Test
    void poolsEqualTheirLoopDefinitions() {
        qt().withExamples(60).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            Geometry g = Geometry.random(r, 1 + r.nextInt(3), true);
            Tensor x = Generators.normal(r.nextLong(), D, g.n(), g.c(), g.h(), g.w());
            Tensor max = Functional.maxPool2d(x, g.k(), g.stride(), g.pad(), 1);
            Tensor avg = Functional.avgPool2d(x, g.k(), g.stride(), g.pad());
            int oh = g.out(g.h());
            int ow = g.out(g.w());
            assertThat(max.shape()).containsExactly(g.n(), g.c(), oh, ow);
            assertThat(avg.shape()).containsExactly(g.n(), g.c(), oh, ow);
            for (int ni = 0; ni < g.n(); ni++) {
                for (int ci = 0; ci < g.c(); ci++) {
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) {
                            double m = Double.NEGATIVE_INFINITY;
                            double sum = 0;
                            for (int ki = 0; ki < g.k(); ki++) {
                                for (int kj = 0; kj < g.k(); kj++) {
                                    int hi = g.at(i, ki);
                                    int wj = g.at(j, kj);
                                    if (hi >= 0 && hi < g.h() && wj >= 0 && wj < g.w()) {
                                        m = Math.max(m, x.get(ni, ci, hi, wj));
                                        sum += x.get(ni, ci, hi, wj);
                                    }
                                }
                            }
                            assertThat(max.get(ni, ci, i, j)).as("max %s", g).isEqualTo(m);
                            // count_include_pad: padding counts as zeros, so the divisor is the full window
                            assertThat(avg.get(ni, ci, i, j)).as("avg %s", g).isCloseTo(sum / (g.k() * g.k()), within(1e-12));
                        }
                    }
                }
            }
        });
    }

    @Test
    void adaptiveAvgPoolUsesPyTorchWindowsIncludingNonDivisibleSizes() {
        qt().withExamples(60).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            int h = 1 + r.nextInt(9);
            int w = 1 + r.nextInt(9);
            int oh = 1 + r.nextInt(h + 2);  // larger outputs than inputs are allowed: windows then overlap
            int ow = 1 + r.nextInt(w + 2);
            Tensor x = Generators.normal(r.nextLong(), D, 2, 2, h, w);
            Tensor y = Functional.adaptiveAvgPool2d(x, oh, ow);
            for (int ni = 0; ni < 2; ni++) {
                for (int ci = 0; ci < 2; ci++) {
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) {
                            // PyTorch's adaptive_avg_pool2d: start = floor(i * H / oh), end = ceil((i + 1) * H / oh)
                            int h0 = (int) Math.floor((double) i * h / oh);
                            int h1 = (int) Math.ceil((double) (i + 1) * h / oh);
                            int w0 = (int) Math.floor((double) j * w / ow);
                            int w1 = (int) Math.ceil((double) (j + 1) * w / ow);
                            double sum = 0;
                            for (int a = h0; a < h1; a++) {
                                for (int b = w0; b < w1; b++) {
                                    sum += x.get(ni, ci, a, b);
                                }
                            }
                            assertThat(y.get(ni, ci, i, j)).isCloseTo(sum / ((h1 - h0) * (w1 - w0)), within(1e-12));
                        }
                    }
                }
            }
        });
    }

    @Test
    void adaptiveAvgPoolOfFiveToThreeAveragesOverlappingWindows() {
        // torch.nn.functional.adaptive_avg_pool2d(torch.arange(5.).view(1, 1, 1, 5), (1, 3)) = [0.5, 2.0, 3.5]
        Tensor x = Tensor.arange(5, D).reshape(1, 1, 1, 5);
        assertThat(Functional.adaptiveAvgPool2d(x, 1, 3).toDoubleArray()).containsExactly(0.5, 2.0, 3.5);
    }

    /** The transposed convolution is the adjoint of the convolution: {@code <conv(x), y> = <x, convT(y)>}. */
    @Test
    void convTranspose2dIsTheAdjointOfConv2d() {
        qt().withExamples(60).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            int k = 1 + r.nextInt(4);
            int dil = 1 + r.nextInt(2);
            int pad = r.nextInt(k);
            int stride = 1 + r.nextInt(3);
            int span = dil * (k - 1) + 1;
            // sizes for which convolution and its transpose map exactly between each other
            int mh = r.nextInt(4);
            int mw = r.nextInt(4);
            int h = span - 2 * pad + stride * mh;
            int w = span - 2 * pad + stride * mw;
            if (h < 1 || w < 1) {
                return;
            }
            int n = 1 + r.nextInt(2);
            int c = 1 + r.nextInt(3);
            int o = 1 + r.nextInt(3);
            Tensor x = Generators.normal(r.nextLong(), D, n, c, h, w);
            Tensor wt = Generators.normal(r.nextLong(), D, o, c, k, k);
            Tensor y = Generators.normal(r.nextLong(), D, n, o, mh + 1, mw + 1);
            double left = Functional.conv2d(x, wt, null, stride, pad, dil, 1).mul(y).sum().item();
            Tensor xt = Functional.convTranspose2d(y, wt, null, stride, pad, dil);
            assertThat(xt.shape()).containsExactly(n, c, h, w);
            double right = x.mul(xt).sum().item();
            assertThat(right).isCloseTo(left, within(1e-10 * Math.max(1, Math.abs(left))));
        });
    }
}
