package org.secateur.tensor.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.secateur.tensor.Rng;
import org.secateur.testing.Generators;
import org.secateur.testing.RestoresThreads;

/**
 * Every SIMD kernel against the scalar reference, on random lengths chosen around the vector length (tails of
 * 0, 1, L-1, L+1 ...) and at random offsets. Tolerances follow the error of the operation: exact for IEEE-exact
 * arithmetic, a few ulps for transcendental functions, and {@code n * eps * sum|terms|} for reordered sums.
 */
@ExtendWith(RestoresThreads.class)
class KernelPropertiesTest {
    private static final Kernels SIMD = Kernels.get();
    private static final Kernels REF = Kernels.scalar();
    private static final float EPS = Math.ulp(1f);

    private static float[] random(Rng r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (scale * r.nextGaussian());
        }
        return a;
    }

    @Test
    void theVectorKernelsAreInUse() {
        assertThat(SIMD).isNotSameAs(REF).isInstanceOf(PanamaKernels.class);
    }

    @Test
    void binaryMatchesReferenceExactly() {
        qt().withExamples(300).forAll(Generators.awkwardLengths(200), integers().between(0, 3),
                integers().between(0, BinaryOp.values().length - 1), Generators.seeds()).checkAssert((n, strides, op, seed) -> {
            Rng r = new Rng(seed);
            int as = strides & 1;
            int bs = strides >> 1;
            int off = r.nextInt(5);
            float[] a = random(r, off + n + 1, 2);
            float[] b = random(r, off + n + 1, 2);
            if (op == BinaryOp.POW.ordinal()) {
                for (int i = 0; i < a.length; i++) {
                    a[i] = Math.abs(a[i]);
                }
            }
            // equal elements exercise the comparisons' boundaries
            for (int i = 0; i < b.length; i += 3) {
                b[i] = a[i];
            }
            float[] expected = new float[off + n];
            float[] actual = new float[off + n];
            BinaryOp o = BinaryOp.values()[op];
            REF.binary(o, a, off, as, b, off, bs, expected, off, n);
            SIMD.binary(o, a, off, as, b, off, bs, actual, off, n);
            if (o == BinaryOp.POW) {
                assertClose(actual, expected, 4 * EPS, "pow");
            } else {
                assertThat(actual).as("%s n=%d strides=%d,%d", o, n, as, bs).containsExactly(expected);
            }
        });
    }

    @Test
    void unaryMatchesReference() {
        qt().withExamples(300).forAll(Generators.awkwardLengths(200), integers().between(0, UnaryOp.values().length - 1),
                Generators.seeds()).checkAssert((n, op, seed) -> {
            Rng r = new Rng(seed);
            UnaryOp o = UnaryOp.values()[op];
            int off = r.nextInt(5);
            float[] x = random(r, off + n, 3);
            if (o == UnaryOp.LOG || o == UnaryOp.SQRT) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = Math.abs(x[i]) + 1e-3f;
                }
            }
            if (n > 2) {
                x[off] = 0;                 // the kinks of relu, step, sign, abs
                x[off + 1] = -0f;
            }
            float[] expected = new float[off + n];
            float[] actual = new float[off + n];
            REF.unary(o, x, off, expected, off, n);
            SIMD.unary(o, x, off, actual, off, n);
            assertClose(actual, expected, 4 * EPS, o.toString());
        });
    }

    @Test
    void sumMatchesReference() {
        qt().withExamples(200).forAll(integers().between(1, 4), Generators.awkwardLengths(150),
                integers().between(1, 40), Generators.seeds()).checkAssert((outer, r, inner, seed) -> {
            Rng rng = new Rng(seed);
            int innerSize = rng.nextInt(3) == 0 ? 1 : inner;
            int xo = rng.nextInt(3);
            int oo = rng.nextInt(3);
            float[] x = random(rng, xo + outer * r * innerSize, 1);
            float[] expected = new float[oo + outer * innerSize];
            float[] actual = new float[oo + outer * innerSize];
            REF.sum(x, xo, outer, r, innerSize, expected, oo);
            SIMD.sum(x, xo, outer, r, innerSize, actual, oo);
            expected = Arrays.copyOfRange(expected, oo, expected.length);
            actual = Arrays.copyOfRange(actual, oo, actual.length);
            x = Arrays.copyOfRange(x, xo, x.length);
            for (int i = 0; i < expected.length; i++) {
                double bound = 2 * (r + 1) * EPS * absSum(x, i / innerSize, r, innerSize, i % innerSize);
                assertThat((double) actual[i]).as("sum outer=%d r=%d inner=%d at %d", outer, r, innerSize, i)
                        .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(bound + 1e-30));
            }
        });
    }

    private static double absSum(float[] x, int o, int r, int inner, int j) {
        double s = 0;
        for (int i = 0; i < r; i++) {
            s += Math.abs(x[(o * r + i) * inner + j]);
        }
        return s;
    }

    @Test
    void maxAndArgmaxMatchReferenceExactly() {
        qt().withExamples(200).forAll(integers().between(1, 4), Generators.awkwardLengths(100),
                integers().between(1, 20), Generators.seeds()).checkAssert((outer, r0, inner, seed) -> {
            int r = Math.max(1, r0);
            Rng rng = new Rng(seed);
            float[] x = random(rng, outer * r * inner, 1);
            // ties: the first maximum wins
            for (int i = 0; i < x.length; i += 7) {
                x[i] = 1.5f;
            }
            float[] e = new float[outer * inner];
            float[] a = new float[outer * inner];
            int[] ea = new int[outer * inner];
            int[] aa = new int[outer * inner];
            REF.max(x, outer, r, inner, e, ea);
            SIMD.max(x, outer, r, inner, a, aa);
            assertThat(a).containsExactly(e);
            assertThat(aa).containsExactly(ea);
        });
    }

    @Test
    void dotAndAxpyMatchReference() {
        qt().withExamples(300).forAll(Generators.awkwardLengths(300), Generators.seeds()).checkAssert((n, seed) -> {
            Rng r = new Rng(seed);
            int off = r.nextInt(4);
            float[] a = random(r, off + n, 1);
            float[] b = random(r, off + n, 1);
            double bound = 2 * (n + 1) * EPS * absDot(a, b, off, n);
            assertThat((double) SIMD.dot(a, off, b, off, n))
                    .isCloseTo(REF.dot(a, off, b, off, n), org.assertj.core.data.Offset.offset(bound + 1e-30));
            float alpha = (float) r.nextGaussian();
            float[] y1 = b.clone();
            float[] y2 = b.clone();
            REF.axpy(alpha, a, off, y1, off, n);
            SIMD.axpy(alpha, a, off, y2, off, n);
            for (int i = 0; i < y1.length; i++) {
                double tol = 2 * EPS * (Math.abs(alpha * a[i]) + Math.abs(b[i]));
                assertThat((double) y2[i]).isCloseTo(y1[i], org.assertj.core.data.Offset.offset(tol + 1e-30));
            }
        });
    }

    /** NaN, both infinities, or nothing, at a random place (tails included), among finite extremes. */
    @Test
    void allFiniteMatchesReference() {
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0xffc00001)};
        float[] extremes = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, Float.MIN_NORMAL, -0f};
        qt().withExamples(300).forAll(Generators.awkwardLengths(300), Generators.seeds()).checkAssert((n, seed) -> {
            Rng r = new Rng(seed);
            int off = r.nextInt(4);
            float[] x = random(r, off + n + 3, 1);
            for (int i = 0; i < x.length; i++) {
                if (r.nextInt(5) == 0) {
                    x[i] = extremes[r.nextInt(extremes.length)];
                }
            }
            // outside the range: must not count
            x[x.length - 1] = Float.NaN;
            if (off > 0) {
                x[0] = Float.POSITIVE_INFINITY;
            }
            if (n > 0 && r.nextInt(2) == 0) {
                x[off + r.nextInt(n)] = specials[r.nextInt(specials.length)];
            }
            assertThat(SIMD.allFinite(x, off, n)).isEqualTo(REF.allFinite(x, off, n));
        });
    }

    private static double absDot(float[] a, float[] b, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.abs((double) a[off + i] * b[off + i]);
        }
        return s;
    }

    @Test
    void gemmMatchesReferenceOnAwkwardShapes() {
        // sizes straddle the micro-tile (4 x 3L), the cache block (KC = 256) and the small-problem cut-off
        qt().withExamples(150).forAll(integers().between(1, 140), integers().between(1, 140),
                integers().between(1, 300), Generators.seeds())
                .checkAssert((m, n, k, seed) -> checkGemm(m, n, k, (seed & 1) != 0, (seed & 2) != 0, seed));
    }

    @Test
    void gemmHandlesEdgeCasesAndAccumulation() {
        checkGemm(1, 1, 1, false, false, 1);
        checkGemm(4, 48, 256, false, false, 2);
        checkGemm(5, 49, 257, true, true, 3);
        checkGemm(128, 300, 784, false, true, 4);
        checkGemm(3, 700, 40, true, false, 5);
        checkGemm(2, 3, 0, false, false, 6);
    }

    private static void checkGemm(int m, int n, int k, boolean ta, boolean tb, long seed) {
        Rng r = new Rng(seed);
        int ao = r.nextInt(3);
        int bo = r.nextInt(3);
        int co = r.nextInt(3);
        float[] a = random(r, ao + m * k, 1);
        float[] b = random(r, bo + k * n, 1);
        float[] c0 = random(r, co + m * n, 1);
        boolean accumulate = r.nextInt(2) == 0;
        float[] expected = c0.clone();
        float[] actual = c0.clone();
        REF.gemm(ta, tb, m, n, k, a, ao, b, bo, expected, co, accumulate);
        SIMD.gemm(ta, tb, m, n, k, a, ao, b, bo, actual, co, accumulate);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double absTerms = accumulate ? Math.abs(c0[co + i * n + j]) : 0;
                for (int p = 0; p < k; p++) {
                    float aip = ta ? a[ao + p * m + i] : a[ao + i * k + p];
                    float bpj = tb ? b[bo + j * k + p] : b[bo + p * n + j];
                    absTerms += Math.abs((double) aip * bpj);
                }
                double tol = 2 * (k + 2) * EPS * absTerms;
                int idx = co + i * n + j;
                assertThat((double) actual[idx]).as("C[%d,%d] of %dx%dx%d ta=%s tb=%s acc=%s", i, j, m, n, k, ta, tb,
                        accumulate).isCloseTo(expected[idx], org.assertj.core.data.Offset.offset(tol + 1e-30));
            }
        }
        // the elements before the offset are untouched
        assertThat(Arrays.copyOf(actual, co)).containsExactly(Arrays.copyOf(c0, co));
    }

    @Test
    void gemmGivesTheSameBitsForAnyThreadCount() {
        Rng r = new Rng(7);
        int m = 96;
        int n = 200;
        int k = 130;
        float[] a = random(r, m * k, 1);
        float[] b = random(r, k * n, 1);
        Parallel.setThreads(1);
        float[] one = new float[m * n];
        SIMD.gemm(false, false, m, n, k, a, 0, b, 0, one, 0, false);
        Parallel.setThreads(2);
        float[] two = new float[m * n];
        SIMD.gemm(false, false, m, n, k, a, 0, b, 0, two, 0, false);
        assertThat(two).containsExactly(one);
    }

    private static void assertClose(float[] actual, float[] expected, float relTol, String what) {
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            float a = actual[i];
            if (Float.isNaN(e) || Float.isInfinite(e)) {
                assertThat(a).as("%s at %d", what, i).isEqualTo(e);
            } else {
                double tol = relTol * Math.max(Math.abs(e), Float.MIN_NORMAL);
                assertThat((double) a).as("%s at %d", what, i).isCloseTo(e, org.assertj.core.data.Offset.offset(tol));
            }
        }
    }
}
