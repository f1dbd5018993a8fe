package org.secateur.tensor.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.secateur.tensor.Rng;
import org.secateur.testing.Generators;
import org.secateur.testing.RestoresThreads;

/**
 * The kernels behind the fused primitives against their scalar references, on random sizes around the vector length
 * and on several planes laid out in one array (so that a store spilling past its plane would show), and the thread
 * pool's contract: every index once, failures propagate, the same bits for any thread count.
 */
@ExtendWith(RestoresThreads.class)
class FusedKernelPropertiesTest {
    private static final Kernels SIMD = Kernels.get();
    private static final float SENTINEL = -12345f;

    private static float[] random(Rng r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    @Test
    void reluGradMatchesTheDefinition() {
        qt().withExamples(200).forAll(Generators.awkwardLengths(200), Generators.seeds()).checkAssert((n, seed) -> {
            Rng r = new Rng(seed);
            int off = r.nextInt(4);
            float[] g = random(r, off + n);
            float[] x = random(r, off + n);
            if (n > 3) {
                x[off] = 0f;
                x[off + 1] = -0f;
                x[off + 2] = Float.NaN;
                g[off + 3] = Float.POSITIVE_INFINITY;
            }
            float[] expected = new float[off + n];
            float[] actual = new float[off + n];
            Kernels.scalar().reluGrad(g, off, x, off, expected, off, n);
            SIMD.reluGrad(g, off, x, off, actual, off, n);
            assertThat(actual).as("n=%d", n).containsExactly(expected);
            for (int i = 0; i < n; i++) {
                assertThat(Float.floatToIntBits(expected[off + i]))
                        .isEqualTo(Float.floatToIntBits(g[off + i] * (x[off + i] > 0 ? 1f : 0f)));
            }
        });
    }

    /**
     * Planes of {@code h x w} in one array, pooled as runs of planes in a shuffled order, against the scalar
     * reference: up to 40 planes, so that the narrow planes' gathered blocks (whole vectors of outputs across
     * planes) and the planes left over after them both occur.
     */
    @Test
    void maxPool2x2MatchesTheReferenceOnEveryPlaneAndWritesNothingElse() {
        qt().withExamples(150).forAll(integers().between(2, 41), integers().between(2, 41), integers().between(1, 40),
                Generators.seeds()).checkAssert((h, w0, planes, seed) -> {
            Rng r = new Rng(seed);
            int w = r.nextInt(2) == 0 ? w0 : 2 + r.nextInt(19);     // often narrow
            boolean relu = r.nextInt(2) == 0;                       // the pooling of a ReLU
            int hw = h * w;
            int ohw = (h / 2) * (w / 2);
            float[] x = random(r, planes * hw);
            for (int i = 0; i < x.length; i += 5) {
                x[i] = 0.5f;                         // ties: the first maximum in window order wins
            }
            if (r.nextInt(3) == 0) {
                x[r.nextInt(x.length)] = Float.NaN;
            }
            float[] ye = new float[planes * ohw];
            int[] ae = new int[planes * ohw];
            for (int p = 0; p < planes; p++) {
                Pooling.maxPool2x2Scalar(x, p * hw, h, w, ye, p * ohw, ae, p * ohw, relu);
            }
            float[] ya = new float[planes * ohw];
            int[] aa = new int[planes * ohw];
            Arrays.fill(ya, SENTINEL);
            Arrays.fill(aa, -7);
            int[][] runs = runs(r, planes);
            for (int k : order(r, runs.length)) {
                int p0 = runs[k][0];
                int p1 = runs[k][1];
                float[] yBefore = ya.clone();
                int[] aBefore = aa.clone();
                Pooling.maxPool2x2(x, p0 * hw, p1 - p0, h, w, ya, p0 * ohw, aa, p0 * ohw, relu);
                for (int i = 0; i < ya.length; i++) {
                    if (i / ohw < p0 || i / ohw >= p1) {
                        assertThat(Float.floatToIntBits(ya[i])).as("output %d outside planes [%d, %d)", i, p0, p1)
                                .isEqualTo(Float.floatToIntBits(yBefore[i]));
                        assertThat(aa[i]).as("index %d outside planes [%d, %d)", i, p0, p1).isEqualTo(aBefore[i]);
                    }
                }
            }
            assertThat(aa).as("argmax, %dx%d, %d planes, relu %b", h, w, planes, relu).containsExactly(ae);
            assertThat(ya).as("max, %dx%d, %d planes, relu %b", h, w, planes, relu).containsExactly(ye);
        });
    }

    /** {@code [0, n)} cut into one to four runs {@code {from, to}} at random points. */
    private static int[][] runs(Rng r, int n) {
        int cuts = Math.min(n - 1, r.nextInt(4));
        java.util.TreeSet<Integer> at = new java.util.TreeSet<>(java.util.List.of(0, n));
        while (at.size() < cuts + 2) {
            at.add(1 + r.nextInt(n - 1));
        }
        Integer[] b = at.toArray(Integer[]::new);
        int[][] runs = new int[b.length - 1][];
        for (int i = 0; i + 1 < b.length; i++) {
            runs[i] = new int[] {b[i], b[i + 1]};
        }
        return runs;
    }

    @Test
    void maxPool2x2ReferenceIsTheWindowMaximum() {
        float[] x = {1, 5, 2, 2, 3, 5, 9, 2, Float.NaN, 1, 0, 0};
        // 3 x 4 plane: one row of two windows; the last row is not covered
        float[] y = new float[2];
        int[] arg = new int[2];
        Pooling.maxPool2x2Scalar(x, 0, 3, 4, y, 0, arg, 0, false);
        assertThat(y).containsExactly(5f, 9f);
        assertThat(arg).containsExactly(1, 6);
        float[] x2 = {1, Float.NaN, 7, 2};
        Pooling.maxPool2x2Scalar(x2, 0, 2, 2, y, 0, arg, 0, false);
        assertThat(y[0]).isNaN();
        assertThat(arg[0]).isEqualTo(1);
    }

    @Test
    void reluMaxPool2x2ReferenceIsTheWindowMaximumOfTheRelu() {
        // 2 x 6 plane, three windows: a positive maximum; none positive (no winner: no gradient); NaN is ReLU'd to 0
        float[] x = {-1, 3, -5, -2, Float.NaN, 0.5f,
                     2, 3, -0f, -7, 0, 0};
        float[] y = new float[3];
        int[] arg = new int[3];
        Pooling.maxPool2x2Scalar(x, 0, 2, 6, y, 0, arg, 0, true);
        assertThat(y).containsExactly(3f, 0f, 0.5f);
        assertThat(arg).containsExactly(1, -1, 5);
        float[] gx = new float[12];
        Pooling.unpool2x2Scalar(new float[] {10, 20, 30}, 0, arg, 0, 2, 6, gx, 0);
        assertThat(gx).containsExactly(0, 10, 0, 0, 0, 30, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void unpool2x2MatchesTheReferenceAndFillsEachPlaneExactly() {
        qt().withExamples(150).forAll(integers().between(2, 41), integers().between(2, 41), integers().between(1, 40),
                Generators.seeds()).checkAssert((h, w0, planes, seed) -> {
            Rng r = new Rng(seed);
            int w = r.nextInt(2) == 0 ? w0 : 2 + r.nextInt(19);     // often narrow
            int hw = h * w;
            int ohw = (h / 2) * (w / 2);
            float[] x = random(r, planes * hw);
            float[] y = new float[planes * ohw];
            int[] arg = new int[planes * ohw];
            float[] gy = random(r, planes * ohw);
            float[] expected = new float[planes * hw];
            boolean relu = r.nextInt(2) == 0;                       // windows with index -1 take no gradient
            for (int p = 0; p < planes; p++) {
                Pooling.maxPool2x2Scalar(x, p * hw, h, w, y, p * ohw, arg, p * ohw, relu);
                Pooling.unpool2x2Scalar(gy, p * ohw, arg, p * ohw, h, w, expected, p * hw);
            }
            float[] actual = new float[planes * hw];
            Arrays.fill(actual, SENTINEL);           // the kernel must write every element of its planes
            int[][] runs = runs(r, planes);
            for (int k : order(r, runs.length)) {
                int p0 = runs[k][0];
                int p1 = runs[k][1];
                float[] before = actual.clone();
                Pooling.unpool2x2(gy, p0 * ohw, arg, p0 * ohw, p1 - p0, h, w, actual, p0 * hw);
                for (int i = 0; i < actual.length; i++) {
                    if (i / hw < p0 || i / hw >= p1) {
                        assertThat(actual[i]).as("element %d outside planes [%d, %d)", i, p0, p1).isEqualTo(before[i]);
                    }
                }
            }
            assertThat(actual).as("%dx%d, %d planes", h, w, planes).containsExactly(expected);
        });
    }

    private static int[] order(Rng r, int n) {
        return r.permutation(n);
    }

    /** A random convolution geometry: kernel, stride, padding and dilation, sometimes wide rows. */
    private static Patches.Geometry geometry(Rng r) {
        int c = 1 + r.nextInt(3);
        int kh = 1 + r.nextInt(5);
        int kw = 1 + r.nextInt(5);
        int sh = 1 + r.nextInt(2);
        int sw = r.nextInt(4) == 0 ? 2 : 1;
        int dh = r.nextInt(4) == 0 ? 2 : 1;
        int dw = r.nextInt(4) == 0 ? 2 : 1;
        int ph = r.nextInt(3);
        int pw = r.nextInt(3);
        int h = Math.max(1, dh * (kh - 1) + 1 - 2 * ph) + r.nextInt(8);
        int w = Math.max(1, dw * (kw - 1) + 1 - 2 * pw) + r.nextInt(r.nextInt(3) == 0 ? 40 : 8);
        int oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1;
        int ow = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
        return new Patches.Geometry(c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
    }

    /** The definition: element (row (c, ki, kj), position (oy, ox)) of the patch matrix. */
    private static float[] patchesByDefinition(Patches.Geometry g, float[] x, int xo, float pad) {
        int l = g.oh() * g.ow();
        float[] cols = new float[g.channels() * g.kh() * g.kw() * l];
        for (int c = 0, r = 0; c < g.channels(); c++) {
            for (int ki = 0; ki < g.kh(); ki++) {
                for (int kj = 0; kj < g.kw(); kj++, r++) {
                    for (int oy = 0; oy < g.oh(); oy++) {
                        for (int ox = 0; ox < g.ow(); ox++) {
                            int iy = oy * g.sh() - g.ph() + ki * g.dh();
                            int ix = ox * g.sw() - g.pw() + kj * g.dw();
                            boolean in = iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w();
                            cols[r * l + oy * g.ow() + ox] = in ? x[xo + (c * g.h() + iy) * g.w() + ix] : pad;
                        }
                    }
                }
            }
        }
        return cols;
    }

    @Test
    void im2colEqualsTheDefinitionWithAndWithoutRoomToSpill() {
        qt().withExamples(200).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            Patches.Geometry g = geometry(r);
            int chw = g.channels() * g.h() * g.w();
            int samples = 1 + r.nextInt(3);
            float[] x = random(r, samples * chw);
            int s = r.nextInt(samples);                      // the last sample reads up to the end of x
            float pad = r.nextInt(2) == 0 ? 0f : Float.NEGATIVE_INFINITY;
            float[] expected = patchesByDefinition(g, x, s * chw, pad);
            int co = r.nextInt(3);
            for (int room : new int[] {0, Patches.SLACK}) {
                float[] cols = new float[co + expected.length + room];
                Arrays.fill(cols, SENTINEL);
                Patches.im2col(g, x, s * chw, 1, cols, co, pad);
                assertThat(Arrays.copyOfRange(cols, co, co + expected.length)).as("%s room %d", g, room)
                        .containsExactly(expected);
                for (int i = 0; i < co; i++) {
                    assertThat(cols[i]).as("before the matrix").isEqualTo(SENTINEL);
                }
                if (room == 0) {
                    continue;
                }
                // a second sample into the same buffer: every element rewritten, spills included
                int s2 = r.nextInt(samples);
                Patches.im2col(g, x, s2 * chw, 1, cols, co, pad);
                assertThat(Arrays.copyOfRange(cols, co, co + expected.length)).as("%s reused", g)
                        .containsExactly(patchesByDefinition(g, x, s2 * chw, pad));
            }
        });
    }

    @Test
    void col2imIsTheAdjointOfIm2colAddingInRowOrder() {
        qt().withExamples(200).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            Patches.Geometry g = geometry(r);
            int l = g.oh() * g.ow();
            int rows = g.channels() * g.kh() * g.kw();
            int chw = g.channels() * g.h() * g.w();
            float[] cols = random(r, rows * l);
            float[] expected = random(r, chw);
            float[] actual = expected.clone();
            // the definition: each patch element added to the input element it was read from, rows in order
            for (int c = 0, row = 0; c < g.channels(); c++) {
                for (int ki = 0; ki < g.kh(); ki++) {
                    for (int kj = 0; kj < g.kw(); kj++, row++) {
                        for (int oy = 0; oy < g.oh(); oy++) {
                            for (int ox = 0; ox < g.ow(); ox++) {
                                int iy = oy * g.sh() - g.ph() + ki * g.dh();
                                int ix = ox * g.sw() - g.pw() + kj * g.dw();
                                if (iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()) {
                                    expected[(c * g.h() + iy) * g.w() + ix] += cols[row * l + oy * g.ow() + ox];
                                }
                            }
                        }
                    }
                }
            }
            Patches.col2im(g, cols, 0, 1, actual, 0);
            assertThat(actual).as("%s", g).containsExactly(expected);
        });
    }

    @Test
    void float64PatchesEqualFloat32OnesOnExactValues() {
        qt().withExamples(50).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            Patches.Geometry g = geometry(r);
            int samples = 1 + r.nextInt(3);
            int chw = g.channels() * g.h() * g.w();
            int rows = g.channels() * g.kh() * g.kw();
            int l = g.oh() * g.ow();
            float[] xf = new float[samples * chw];
            double[] xd = new double[samples * chw];
            for (int i = 0; i < xf.length; i++) {
                xf[i] = r.nextInt(100);
                xd[i] = xf[i];
            }
            float[] cf = new float[rows * samples * l];
            double[] cd = new double[rows * samples * l];
            Patches.im2col(g, xf, 0, samples, cf, 0, 0f);
            Patches.im2col(g, xd, 0, samples, cd, 0, 0.0);
            for (int i = 0; i < cf.length; i++) {
                assertThat(cd[i]).isEqualTo(cf[i]);
            }
            float[] bf = new float[samples * chw];
            double[] bd = new double[samples * chw];
            Patches.col2im(g, cf, 0, samples, bf, 0);
            Patches.col2im(g, cd, 0, samples, bd, 0);
            for (int i = 0; i < bf.length; i++) {
                assertThat(bd[i]).isEqualTo(bf[i]);
            }
        });
    }

    @Test
    void aBlockOfSamplesPutsEachSamplesPatchMatrixSideBySide() {
        qt().withExamples(200).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            Patches.Geometry g = geometry(r);
            int samples = 1 + r.nextInt(4);
            int chw = g.channels() * g.h() * g.w();
            int rows = g.channels() * g.kh() * g.kw();
            int l = g.oh() * g.ow();
            int first = r.nextInt(2);
            float[] x = random(r, (first + samples) * chw);     // the block ends at the end of x
            float pad = r.nextInt(2) == 0 ? 0f : Float.NEGATIVE_INFINITY;
            int co = r.nextInt(3);
            int room = r.nextInt(2) == 0 ? 0 : Patches.SLACK;
            float[] cols = new float[co + rows * samples * l + room];
            Arrays.fill(cols, SENTINEL);
            Patches.im2col(g, x, first * chw, samples, cols, co, pad);
            float[] grads = random(r, rows * samples * l);
            float[] sums = random(r, (first + samples) * chw);
            float[] expectedSums = sums.clone();
            Patches.col2im(g, grads, 0, samples, sums, first * chw);
            for (int q = 0; q < samples; q++) {
                float[] one = patchesByDefinition(g, x, (first + q) * chw, pad);
                float[] grad = new float[rows * l];
                for (int row = 0; row < rows; row++) {
                    int at = co + (row * samples + q) * l;
                    assertThat(Arrays.copyOfRange(cols, at, at + l)).as("%s sample %d of %d row %d", g, q, samples, row)
                            .containsExactly(Arrays.copyOfRange(one, row * l, row * l + l));
                    System.arraycopy(grads, (row * samples + q) * l, grad, row * l, l);
                }
                Patches.col2im(g, grad, 0, 1, expectedSums, (first + q) * chw);
            }
            assertThat(sums).as("col2im of the block").containsExactly(expectedSums);
        });
    }

    // ---------------------------------------------------------------- implicit-GEMM convolution

    @Test
    void padWritesZeroBordersEvenIntoADirtyBuffer() {
        qt().withExamples(50).forAll(integers().between(1, 20), integers().between(1, 20), Generators.seeds())
                .checkAssert((h, w, seed) -> {
            Rng r = new Rng(seed);
            int ph = r.nextInt(4);
            int pw = r.nextInt(4);
            int planes = 1 + r.nextInt(3);
            float[] x = random(r, planes * h * w + 2);
            float[] dirty = new float[planes * (h + 2 * ph) * (w + 2 * pw) + ConvKernels.SLACK + r.nextInt(5)];
            Arrays.fill(dirty, Float.NaN);
            float[] xp = ConvKernels.pad(x, 1, planes, h, w, ph, pw, dirty);
            assertThat(xp).isSameAs(dirty);
            int hp = h + 2 * ph;
            int wp = w + 2 * pw;
            for (int p = 0; p < planes; p++) {
                for (int i = 0; i < hp; i++) {
                    for (int j = 0; j < wp; j++) {
                        boolean inside = i >= ph && i < ph + h && j >= pw && j < pw + w;
                        float expected = inside ? x[1 + (p * h + i - ph) * w + j - pw] : 0f;
                        assertThat(xp[(p * hp + i) * wp + j]).isEqualTo(expected);
                    }
                }
            }
            for (int i = planes * hp * wp; i < planes * hp * wp + ConvKernels.SLACK; i++) {
                assertThat(xp[i]).as("slack").isEqualTo(0f);
            }
        });
    }

    @Test
    void implicitForwardEqualsItsReferenceBitForBit() {
        qt().withExamples(150).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            int c = 1 + r.nextInt(3);
            int m = 1 + r.nextInt(19);                      // around the 8-channel tile
            int kh = 1 + r.nextInt(4);
            int kw = 1 + r.nextInt(4);
            int d = 1 + r.nextInt(2);
            int ph = r.nextInt(3);
            int pw = r.nextInt(3);
            int h = Math.max(1, d * (kh - 1) + 1 - 2 * ph) + r.nextInt(6);
            int w = Math.max(1, d * (kw - 1) + 1 - 2 * pw) + r.nextInt(r.nextInt(2) == 0 ? 50 : 10);
            int oh = h + 2 * ph - d * (kh - 1);
            int ow = w + 2 * pw - d * (kw - 1);
            int samples = 1 + r.nextInt(2);
            float[] x = random(r, samples * c * h * w);
            float[] xp = ConvKernels.pad(x, 0, samples * c, h, w, ph, pw, null);
            int hp = h + 2 * ph;
            int wp = w + 2 * pw;
            int rows = c * kh * kw;
            int[] rowOff = new int[rows];
            for (int ci = 0, q = 0; ci < c; ci++) {
                for (int ki = 0; ki < kh; ki++) {
                    for (int kj = 0; kj < kw; kj++, q++) {
                        rowOff[q] = ci * hp * wp + ki * d * wp + kj * d;
                    }
                }
            }
            float[] wt = random(r, m * rows);
            float[] bias = r.nextInt(2) == 0 ? null : random(r, m);
            int s = samples - 1;                             // the last sample: its reads run to the slack
            float[] expected = new float[samples * m * oh * ow];
            float[] actual = new float[samples * m * oh * ow];
            Arrays.fill(actual, SENTINEL);
            ConvKernels.forwardScalar(wt, m, rows, rowOff, xp, s * c * hp * wp, wp, oh, ow, bias, expected, s * m * oh * ow);
            ConvKernels.forward(wt, m, rows, rowOff, xp, s * c * hp * wp, wp, oh, ow, bias, actual, s * m * oh * ow);
            for (int i = 0; i < s * m * oh * ow; i++) {
                assertThat(actual[i]).as("before the sample").isEqualTo(SENTINEL);
            }
            assertThat(Arrays.equals(Arrays.copyOfRange(actual, s * m * oh * ow, actual.length),
                    Arrays.copyOfRange(expected, s * m * oh * ow, expected.length)))
                    .as("m=%d c=%d k=%dx%d d=%d p=%d,%d in %dx%d", m, c, kh, kw, d, ph, pw, h, w).isTrue();
            // and the reference is the convolution: spot-check one output against the definition
            int mo = r.nextInt(m);
            int oy = r.nextInt(oh);
            int ox = r.nextInt(ow);
            double def = bias == null ? 0 : bias[mo];
            for (int ci = 0; ci < c; ci++) {
                for (int ki = 0; ki < kh; ki++) {
                    for (int kj = 0; kj < kw; kj++) {
                        int iy = oy - ph + ki * d;
                        int ix = ox - pw + kj * d;
                        if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                            def += (double) wt[mo * rows + (ci * kh + ki) * kw + kj] * x[((s * c + ci) * h + iy) * w + ix];
                        }
                    }
                }
            }
            assertThat((double) expected[s * m * oh * ow + (mo * oh + oy) * ow + ox])
                    .isCloseTo(def, org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(def))));
        });
    }

    /** A strided, dilated window geometry on a padded input, as the channels-major kernels read it. */
    private record Windows(int rows, int[] rowOff, int positions, int[] posOff, int sampleSize) {
        static Windows random(Rng r) {
            int c = 1 + r.nextInt(3);
            int kh = 1 + r.nextInt(4);
            int kw = 1 + r.nextInt(4);
            int s = 1 + r.nextInt(2);
            int d = 1 + r.nextInt(2);
            int oh = 1 + r.nextInt(6);
            int ow = 1 + r.nextInt(r.nextInt(2) == 0 ? 20 : 6);
            int hp = s * (oh - 1) + d * (kh - 1) + 1;
            int wp = s * (ow - 1) + d * (kw - 1) + 1 + r.nextInt(3);
            int[] rowOff = new int[c * kh * kw];
            for (int ci = 0, q = 0; ci < c; ci++) {
                for (int ki = 0; ki < kh; ki++) {
                    for (int kj = 0; kj < kw; kj++, q++) {
                        rowOff[q] = ci * hp * wp + ki * d * wp + kj * d;
                    }
                }
            }
            int[] posOff = new int[oh * ow];
            for (int oy = 0, p = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++, p++) {
                    posOff[p] = oy * s * wp + ox * s;
                }
            }
            return new Windows(c * kh * kw, rowOff, oh * ow, posOff, c * hp * wp);
        }
    }

    @Test
    void forwardChannelsMatchesItsReferenceBitForBitAndIsTheConvolution() {
        qt().withExamples(150).forAll(integers().between(1, 40), Generators.seeds()).checkAssert((m, seed) -> {
            Rng r = new Rng(seed);
            Windows win = Windows.random(r);
            int samples = 1 + r.nextInt(2);
            float[] x = random(r, samples * win.sampleSize());     // exactly sized: no read past the input
            float[] w = random(r, m * win.rows());
            float[] wt = ConvKernels.channelsMajor(w, m, win.rows());
            float[] bias = r.nextInt(2) == 0 ? null : random(r, m);
            int s = samples - 1;
            int size = m * win.positions();
            float[] expected = new float[samples * size];
            float[] actual = new float[samples * size];
            Arrays.fill(actual, SENTINEL);
            ConvKernels.forwardChannelsScalar(wt, m, win.rows(), win.rowOff(), x, s * win.sampleSize(), win.posOff(),
                    win.positions(), bias, expected, s * size);
            ConvKernels.forwardChannels(wt, m, win.rows(), win.rowOff(), x, s * win.sampleSize(), win.posOff(),
                    win.positions(), bias, actual, s * size);
            for (int i = 0; i < s * size; i++) {
                assertThat(actual[i]).as("before the sample").isEqualTo(SENTINEL);
            }
            assertThat(Arrays.equals(Arrays.copyOfRange(actual, s * size, actual.length),
                    Arrays.copyOfRange(expected, s * size, expected.length)))
                    .as("m=%d rows=%d positions=%d", m, win.rows(), win.positions()).isTrue();
            // the reference is the definition: one output in double precision
            int mo = r.nextInt(m);
            int p = r.nextInt(win.positions());
            double def = bias == null ? 0 : bias[mo];
            double mag = Math.abs(def);
            for (int q = 0; q < win.rows(); q++) {
                double t = (double) w[mo * win.rows() + q] * x[s * win.sampleSize() + win.posOff()[p] + win.rowOff()[q]];
                def += t;
                mag += Math.abs(t);
            }
            assertThat((double) expected[s * size + mo * win.positions() + p])
                    .isCloseTo(def, org.assertj.core.data.Offset.offset(1e-5 * (1 + mag)));
        });
    }

    @Test
    void laneTransposesMatchTheirReferencesWriteOnlyTheirCellsAndRoundTrip() {
        int lanes = LaneConv.lanes();
        qt().withExamples(150).forAll(integers().between(1, 16), Generators.seeds()).checkAssert((samples, seed) -> {
            Rng r = new Rng(seed);
            int planes = 1 + r.nextInt(4);
            int h = 1 + r.nextInt(6);
            int w = 1 + r.nextInt(r.nextInt(2) == 0 ? 40 : 18);
            int ph = r.nextInt(3);
            int pw = r.nextInt(3);
            boolean flat = r.nextInt(3) == 0;                      // unpadded planes, as the kernels flatten them
            LaneConv.Layout layout = flat ? new LaneConv.Layout(h * w, w, 0)
                    : new LaneConv.Layout((h + 2 * ph) * (w + 2 * pw) + r.nextInt(3), w + 2 * pw, ph * (w + 2 * pw) + pw);
            int sampleStride = planes * h * w + r.nextInt(3);
            int xo = r.nextInt(3);
            float[] x = random(r, xo + (samples - 1) * sampleStride + planes * h * w);   // no room to read past
            int cells = planes * layout.planeStride();
            int xio = r.nextInt(3) * lanes;
            float[] expected = new float[xio + cells * lanes + LaneConv.slack()];
            Arrays.fill(expected, SENTINEL);
            float[] actual = expected.clone();
            LaneConv.interleaveScalar(x, xo, sampleStride, samples, planes, h, w, expected, xio, layout, lanes);
            LaneConv.interleave(x, xo, sampleStride, samples, planes, h, w, actual, xio, layout);
            assertThat(Arrays.equals(actual, expected)).as("interleave %d planes of %dx%d, %d samples, %s", planes, h,
                    w, samples, layout).isTrue();

            float[] bias = r.nextInt(2) == 0 ? null : random(r, planes);
            int yo = r.nextInt(3);
            float[] yExpected = new float[yo + lanes * sampleStride];
            Arrays.fill(yExpected, SENTINEL);
            float[] yActual = yExpected.clone();
            LaneConv.deinterleaveScalar(expected, xio, layout, planes, h, w, samples, bias, yExpected, yo, sampleStride,
                    lanes);
            LaneConv.deinterleave(expected, xio, layout, planes, h, w, samples, bias, yActual, yo, sampleStride);
            assertThat(Arrays.equals(yActual, yExpected)).as("deinterleave").isTrue();
            for (int s = 0; s < lanes; s++) {
                for (int i = 0; i < sampleStride; i++) {
                    float got = yActual[yo + s * sampleStride + i];
                    if (s >= samples || i >= planes * h * w) {
                        assertThat(got).as("untouched at sample %d, %d", s, i).isEqualTo(SENTINEL);
                    } else {
                        float v = x[xo + s * sampleStride + i];
                        assertThat(got).as("round trip at sample %d, %d", s, i)
                                .isEqualTo(bias == null ? v : v + bias[i / (h * w)]);
                    }
                }
            }
        });
    }

    @Test
    void laneForwardMatchesItsReferenceBitForBitAndIsTheConvolution() {
        int lanes = LaneConv.lanes();
        qt().withExamples(150).forAll(integers().between(1, 20), Generators.seeds()).checkAssert((m, seed) -> {
            Rng r = new Rng(seed);
            Windows win = Windows.random(r);
            int xo = r.nextInt(3) * lanes;
            float[] xi = random(r, xo + win.sampleSize() * lanes);    // exactly sized: no read past the input
            float[] w = random(r, m * win.rows());
            float[] wp = LaneConv.packForward(w, m, win.rows());
            int yPlane = LaneConv.round4(win.positions()) + r.nextInt(3);
            int yo = r.nextInt(3) * lanes;
            float[] expected = new float[yo + LaneConv.round4(m) * yPlane * lanes + lanes];
            Arrays.fill(expected, SENTINEL);
            float[] actual = expected.clone();
            LaneConv.forwardScalar(wp, m, win.rows(), win.rowOff(), xi, xo, win.posOff(), win.positions(), expected, yo,
                    yPlane, lanes);
            LaneConv.forward(wp, m, win.rows(), win.rowOff(), xi, xo, win.posOff(), win.positions(), actual, yo, yPlane);
            assertThat(Arrays.equals(actual, expected)).as("m=%d rows=%d positions=%d", m, win.rows(),
                    win.positions()).isTrue();
            // the reference is the definition: one output of one sample in double precision
            int mo = r.nextInt(m);
            int p = r.nextInt(win.positions());
            int s = r.nextInt(lanes);
            double def = 0;
            double mag = 0;
            for (int q = 0; q < win.rows(); q++) {
                double t = (double) w[mo * win.rows() + q] * xi[xo + (win.posOff()[p] + win.rowOff()[q]) * lanes + s];
                def += t;
                mag += Math.abs(t);
            }
            assertThat((double) expected[yo + (mo * yPlane + p) * lanes + s])
                    .isCloseTo(def, org.assertj.core.data.Offset.offset(1e-5 * (1 + mag)));
        });
    }

    @Test
    void laneWeightGradWindowMatchesItsReferenceBitForBitAndIsTheGradient() {
        int lanes = LaneConv.lanes();
        int w5 = LaneConv.WINDOW;
        qt().withExamples(100).forAll(integers().between(1, 12), Generators.seeds()).checkAssert((o, seed) -> {
            Rng r = new Rng(seed);
            int c = 1 + r.nextInt(3);
            int kh = 1 + r.nextInt(4);
            int kw = 1 + r.nextInt(w5);
            int sh = 1 + r.nextInt(2);
            int dh = 1 + r.nextInt(2);
            int oh = 1 + r.nextInt(5);
            int ow = 1 + r.nextInt(12);
            int hp = sh * (oh - 1) + dh * (kh - 1) + 1 + r.nextInt(2);
            int wp = ow + kw - 1 + r.nextInt(2);
            LaneConv.Layout in = new LaneConv.Layout(hp * wp + r.nextInt(3), wp, 0);
            int xo = r.nextInt(3) * lanes;
            // the window reads up to WINDOW - 1 cells past a row's last one: exactly that much room
            float[] xi = random(r, xo + (c * in.planeStride() + w5 - 1) * lanes);
            int gPlane = oh * ow + r.nextInt(3);
            int go = r.nextInt(3) * lanes;
            float[] gyi = random(r, go + LaneConv.round4(o) * gPlane * lanes);
            int ao = r.nextInt(3) * lanes;
            float[] expected = random(r, ao + LaneConv.round4(o) * c * kh * w5 * lanes);
            float[] start = expected.clone();
            float[] actual = expected.clone();
            LaneConv.weightGradRowsScalar(gyi, go, gPlane, xi, xo, in, c, kh, sh, dh, oh, ow, o, expected, ao, lanes);
            LaneConv.weightGradRows(gyi, go, gPlane, xi, xo, in, c, kh, sh, dh, oh, ow, o, actual, ao);
            assertThat(Arrays.equals(actual, expected)).as("o=%d c=%d %dx%d sh=%d dh=%d out %dx%d", o, c, kh, kw, sh, dh,
                    oh, ow).isTrue();
            // the reference is the definition: one weight's gradient in one lane, in double precision
            int m = r.nextInt(o);
            int ci = r.nextInt(c);
            int ky = r.nextInt(kh);
            int kx = r.nextInt(kw);
            int s = r.nextInt(lanes);
            int a = ao + (((m * c + ci) * kh + ky) * w5 + kx) * lanes + s;
            double def = start[a];
            double mag = Math.abs(def);
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double t = (double) gyi[go + (m * gPlane + oy * ow + ox) * lanes + s]
                            * xi[xo + in.at(ci, oy * sh + ky * dh, ox + kx) * lanes + s];
                    def += t;
                    mag += Math.abs(t);
                }
            }
            assertThat((double) expected[a]).isCloseTo(def, org.assertj.core.data.Offset.offset(1e-5 * (1 + mag)));
        });
    }

    @Test
    void weightGradChannelsMatchesItsReferenceBitForBit() {
        qt().withExamples(150).forAll(integers().between(1, 40), Generators.seeds()).checkAssert((m, seed) -> {
            Rng r = new Rng(seed);
            Windows win = Windows.random(r);
            int samples = 1 + r.nextInt(3);
            int ld = ConvKernels.channelStride(m);
            int xo = r.nextInt(3);
            float[] x = random(r, xo + samples * win.sampleSize());
            float[] gyt = new float[samples * win.positions() * ld];     // channels-major, zero past m
            for (int q = 0; q < samples * win.positions(); q++) {
                for (int c = 0; c < m; c++) {
                    gyt[q * ld + c] = (float) r.nextGaussian();
                }
            }
            float[] start = new float[win.rows() * ld];
            for (int q = 0; q < win.rows(); q++) {
                for (int c = 0; c < m; c++) {
                    start[q * ld + c] = (float) r.nextGaussian();
                }
            }
            float[] expected = start.clone();
            float[] actual = start.clone();
            ConvKernels.weightGradChannelsScalar(x, xo, win.sampleSize(), win.rowOff(), win.rows(), win.posOff(),
                    win.positions(), gyt, 0, win.positions() * ld, m, samples, expected);
            ConvKernels.weightGradChannels(x, xo, win.sampleSize(), win.rowOff(), win.rows(), win.posOff(),
                    win.positions(), gyt, 0, win.positions() * ld, m, samples, actual);
            for (int q = 0; q < win.rows(); q++) {
                for (int c = 0; c < m; c++) {
                    assertThat(actual[q * ld + c]).as("row %d channel %d of m=%d rows=%d", q, c, m, win.rows())
                            .isEqualTo(expected[q * ld + c]);
                }
            }
            // the reference is the sum: one element in double precision
            int q0 = r.nextInt(win.rows());
            int c0 = r.nextInt(m);
            double def = start[q0 * ld + c0];
            double mag = Math.abs(def);
            for (int q = 0; q < samples; q++) {
                for (int p = 0; p < win.positions(); p++) {
                    double t = (double) x[xo + q * win.sampleSize() + win.posOff()[p] + win.rowOff()[q0]]
                            * gyt[(q * win.positions() + p) * ld + c0];
                    def += t;
                    mag += Math.abs(t);
                }
            }
            assertThat((double) expected[q0 * ld + c0]).isCloseTo(def, org.assertj.core.data.Offset.offset(1e-5 * (1 + mag)));
        });
    }

    @Test
    void dotRowsMatchesItsReference() {
        qt().withExamples(100).forAll(integers().between(1, 11), integers().between(1, 30),
                Generators.awkwardLengths(300), Generators.seeds()).checkAssert((m, n, k0, seed) -> {
            int k = Math.max(1, k0);
            Rng r = new Rng(seed);
            int samples = 1 + r.nextInt(3);
            float[] a = random(r, 2 + samples * m * k);
            // b's rows contiguous, or windows at random offsets that may overlap (the padded input, stride 1)
            boolean windows = r.nextInt(2) == 0;
            int[] rows = ConvKernels.contiguousRows(n, k);
            int bStride = n * k;
            if (windows) {
                bStride = k + r.nextInt(2 * k);
                for (int j = 0; j < n; j++) {
                    rows[j] = r.nextInt(bStride);
                }
            }
            float[] b = random(r, 3 + samples * bStride + k);
            int co = r.nextInt(3);
            float[] c0 = random(r, co + m * n);
            float[] expected = c0.clone();
            float[] actual = c0.clone();
            ConvKernels.dotRowsScalar(a, 2, m * k, m, b, 3, bStride, rows, k, samples, expected, co);
            ConvKernels.dotRows(a, 2, m * k, m, b, 3, bStride, rows, k, samples, actual, co);
            for (int i = 0; i < co + m * n; i++) {
                double tol = 4 * Math.ulp(1f) * (samples * k + 2) * (Math.sqrt(samples * k) * 3 + Math.abs(c0[i]));
                assertThat((double) actual[i]).as("%dx%d k=%d samples=%d windows=%b at %d", m, n, k, samples, windows, i)
                        .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(tol));
            }
        });
    }

    // ---------------------------------------------------------------- GEMM shapes around the new blocking

    @Test
    void gemmMatchesTheReferenceAroundTheMicroTileAndTheDepthBlock() {
        int mr = PanamaGemm.MR;
        int nr = PanamaGemm.NR;
        int kc = PanamaGemm.KC;
        int[] ms = {1, mr - 1, mr, mr + 1, 2 * mr + 3, 6, 16, 128};
        int[] ns = {1, nr / 2 - 1, nr / 2, nr / 2 + 1, nr - 1, nr, nr + 1, 3 * nr + 4, 100, 300};
        int[] ks = {1, 16, 25, kc - 1, kc, kc + 1, 2 * kc + 7};
        Rng r = new Rng(11);
        for (int m : ms) {
            for (int n : ns) {
                int k = ks[r.nextInt(ks.length)];
                int flags = r.nextInt(4);
                checkGemm(m, n, k, (flags & 1) != 0, (flags & 2) != 0, r.nextLong());
            }
        }
    }

    private static void checkGemm(int m, int n, int k, boolean ta, boolean tb, long seed) {
        Rng r = new Rng(seed);
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        float[] c0 = random(r, m * n);
        for (boolean acc : new boolean[] {false, true}) {
            float[] expected = c0.clone();
            float[] actual = c0.clone();
            Kernels.scalar().gemm(ta, tb, m, n, k, a, 0, b, 0, expected, 0, acc);
            SIMD.gemm(ta, tb, m, n, k, a, 0, b, 0, actual, 0, acc);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double absTerms = acc ? Math.abs(c0[i * n + j]) : 0;
                    for (int p = 0; p < k; p++) {
                        float aip = ta ? a[p * m + i] : a[i * k + p];
                        float bpj = tb ? b[j * k + p] : b[p * n + j];
                        absTerms += Math.abs((double) aip * bpj);
                    }
                    double tol = 2 * (k + 2) * Math.ulp(1f) * absTerms + 1e-30;
                    assertThat((double) actual[i * n + j]).as("%dx%dx%d ta=%s tb=%s acc=%s at (%d, %d)", m, n, k, ta,
                            tb, acc, i, j).isCloseTo(expected[i * n + j], org.assertj.core.data.Offset.offset(tol));
                }
            }
        }
    }

    @Test
    void gemmGivesTheSameBitsForOneAndTwoThreadsWhicheverWayItSplits() {
        // a row split (few column panels), a column split (many), transposed operands
        int[][] shapes = {{512, 40, 300, 0}, {64, 700, 300, 1}, {300, 300, 128, 2}, {128, 100, 300, 3}};
        for (int[] s : shapes) {
            Rng r = new Rng(s[3]);
            boolean ta = (s[3] & 1) != 0;
            boolean tb = (s[3] & 2) != 0;
            float[] a = random(r, s[0] * s[2]);
            float[] b = random(r, s[2] * s[1]);
            Parallel.setThreads(1);
            float[] one = new float[s[0] * s[1]];
            SIMD.gemm(ta, tb, s[0], s[1], s[2], a, 0, b, 0, one, 0, false);
            Parallel.setThreads(2);
            float[] two = new float[s[0] * s[1]];
            SIMD.gemm(ta, tb, s[0], s[1], s[2], a, 0, b, 0, two, 0, false);
            assertThat(Arrays.equals(two, one)).as("%s", Arrays.toString(s)).isTrue();
        }
    }

    @Test
    void registerTransposeTransposesAndAddsWhenAsked() {
        qt().withExamples(50).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            int lds = 16 + r.nextInt(30);
            int ldd = 16 + r.nextInt(30);
            int so = r.nextInt(9);
            int dof = r.nextInt(9);
            float[] src = random(r, so + 16 * lds);
            float[] dst = new float[dof + 16 * ldd];
            Arrays.fill(dst, SENTINEL);
            boolean addIt = r.nextInt(2) == 0;
            float add = addIt ? (float) r.nextGaussian() : 0f;
            Transpose16.transpose(src, so, lds, dst, dof, ldd, add, addIt);
            for (int i = 0; i < dst.length; i++) {
                int row = (i - dof) / ldd;
                int col = (i - dof) % ldd;
                float expected = i < dof || col >= 16 ? SENTINEL
                        : addIt ? src[so + col * lds + row] + add : src[so + col * lds + row];
                assertThat(dst[i]).as("at %d (lds %d, ldd %d)", i, lds, ldd).isEqualTo(expected);
            }
        });
    }

    // ---------------------------------------------------------------- the pool

    @Test
    void forRangeRunsEveryIndexOnceForAnyThreadCountAndGrain() {
        qt().withExamples(100).forAll(integers().between(0, 300), integers().between(1, 50),
                integers().between(1, 4)).checkAssert((n, grain, threads) -> {
            Parallel.setThreads(threads);
            AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(1, n));
            Parallel.forRange(n, grain, (from, to) -> {
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                }
                // a nested call still covers its range exactly once (in the calling thread when this one is split)
                AtomicIntegerArray inner = new AtomicIntegerArray(4);
                Parallel.forRange(4, 1, (f, t) -> {
                    for (int i = f; i < t; i++) {
                        inner.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < 4; i++) {
                    assertThat(inner.get(i)).isEqualTo(1);
                }
            });
            for (int i = 0; i < n; i++) {
                assertThat(hits.get(i)).as("index %d of %d", i, n).isEqualTo(1);
            }
        });
    }

    @Test
    void theChunksDependOnlyOnTheRangeTheGrainAndTheThreadCount() {
        qt().withExamples(60).forAll(integers().between(0, 300), integers().between(1, 50),
                integers().between(1, 4)).checkAssert((n, grain, threads) -> {
            Parallel.setThreads(threads);
            int chunks = Parallel.chunks(n, grain, threads);
            java.util.Set<java.util.List<Integer>> expected = new java.util.HashSet<>();
            for (int c = 0; c < Math.max(1, chunks) && n > 0; c++) {
                expected.add(java.util.List.of((int) ((long) n * c / Math.max(1, chunks)),
                        (int) ((long) n * (c + 1) / Math.max(1, chunks))));
            }
            for (int round = 0; round < 3; round++) {
                java.util.Set<java.util.List<Integer>> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
                Parallel.forRange(n, grain, (from, to) -> seen.add(java.util.List.of(from, to)));
                assertThat(seen).as("n %d, grain %d, %d threads", n, grain, threads).isEqualTo(expected);
            }
            assertThat(chunks).isLessThanOrEqualTo(threads == 1 ? 1 : Parallel.CHUNKS_PER_THREAD * threads);
            if (chunks > 1) {
                assertThat(n / chunks).isGreaterThanOrEqualTo(grain);
            }
        });
    }

    /** Chunks go to whichever thread is free: while one chunk holds a thread, the other thread runs all the rest. */
    @Test
    void aSlowChunkDoesNotHoldUpTheOthers() {
        Parallel.setThreads(2);
        Thread caller = Thread.currentThread();
        java.util.concurrent.atomic.AtomicInteger byWorker = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger byCaller = new java.util.concurrent.atomic.AtomicInteger();
        int chunks = Parallel.chunks(8, 1, 2);
        Parallel.forRange(8, 1, (from, to) -> {
            boolean worker = Thread.currentThread() != caller;
            int mine = (worker ? byWorker : byCaller).incrementAndGet();
            try {
                // the worker's first chunk is slow (a descheduled vCPU); every chunk takes some time
                Thread.sleep(worker && mine == 1 ? 600 : 20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(byWorker.get() + byCaller.get()).isEqualTo(chunks);
        assertThat(byWorker.get()).as("chunks the slowed worker ran").isEqualTo(1);
    }

    @Test
    void forRangeRethrowsAFailureFromAnyChunkAndStaysUsable() {
        Parallel.setThreads(2);
        assertThatThrownBy(() -> Parallel.forRange(100, 1, (from, to) -> {
            if (from > 0) {
                throw new IllegalStateException("worker chunk");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("worker chunk");
        assertThatThrownBy(() -> Parallel.forRange(100, 1, (from, to) -> {
            if (from == 0) {
                throw new IllegalArgumentException("caller chunk");
            }
        })).isInstanceOf(IllegalArgumentException.class);
        int[] sum = new int[1];
        Parallel.forRange(10, 1, (from, to) -> {
            synchronized (sum) {
                sum[0] += to - from;
            }
        });
        assertThat(sum[0]).isEqualTo(10);
    }

    @Test
    void concurrentCallersEachGetTheirWholeRange() throws Exception {
        Parallel.setThreads(2);
        int rounds = 200;
        long[] totals = new long[2];
        Thread[] callers = new Thread[2];
        for (int c = 0; c < 2; c++) {
            int id = c;
            callers[c] = new Thread(() -> {
                for (int round = 0; round < rounds; round++) {
                    long[] local = new long[1];
                    Parallel.forRange(1000, 1, (from, to) -> {
                        long s = 0;
                        for (int i = from; i < to; i++) {
                            s += i;
                        }
                        synchronized (local) {
                            local[0] += s;
                        }
                    });
                    totals[id] += local[0];
                }
            });
            callers[c].start();
        }
        for (Thread t : callers) {
            t.join();
        }
        assertThat(totals).containsExactly(rounds * 499500L, rounds * 499500L);
    }
}
