package org.secateur.tensor.kernels;

/**
 * Plain loops: the reference every SIMD kernel is tested against, and the float64 implementation. Summation runs
 * in index order so that the results are the textbook ones.
 */
public class ScalarKernels implements Kernels {

    @Override
    public void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = op.apply(a[ao + i * as], b[bo + i * bs]);
        }
    }

    @Override
    public void binary(BinaryOp op, double[] a, int ao, int as, double[] b, int bo, int bs, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = op.apply(a[ao + i * as], b[bo + i * bs]);
        }
    }

    @Override
    public void unary(UnaryOp op, float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) op.apply(x[xo + i]);
        }
    }

    @Override
    public void unary(UnaryOp op, double[] x, int xo, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = op.apply(x[xo + i]);
        }
    }

    @Override
    public void sum(float[] x, int xo, int outer, int r, int inner, float[] out, int oo) {
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                float s = 0;
                for (int i = 0; i < r; i++) {
                    s += x[xo + (o * r + i) * inner + j];
                }
                out[oo + o * inner + j] = s;
            }
        }
    }

    @Override
    public void sum(double[] x, int xo, int outer, int r, int inner, double[] out, int oo) {
        java.util.Arrays.fill(out, oo, oo + outer * inner, 0);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < r; i++) {
                int src = xo + (o * r + i) * inner;
                int dst = oo + o * inner;
                for (int j = 0; j < inner; j++) {
                    out[dst + j] += x[src + j];
                }
            }
        }
    }

    @Override
    public void max(float[] x, int outer, int r, int inner, float[] out, int[] arg) {
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                int base = o * r * inner + j;
                float best = x[base];
                int bestI = 0;
                for (int i = 1; i < r && !Float.isNaN(best); i++) {
                    float v = x[base + i * inner];
                    if (v > best || Float.isNaN(v)) {
                        best = v;
                        bestI = i;
                    }
                }
                out[o * inner + j] = best;
                if (arg != null) {
                    arg[o * inner + j] = bestI;
                }
            }
        }
    }

    @Override
    public void max(double[] x, int outer, int r, int inner, double[] out, int[] arg) {
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                int base = o * r * inner + j;
                double best = x[base];
                int bestI = 0;
                for (int i = 1; i < r && !Double.isNaN(best); i++) {
                    double v = x[base + i * inner];
                    if (v > best || Double.isNaN(v)) {
                        best = v;
                        bestI = i;
                    }
                }
                out[o * inner + j] = best;
                if (arg != null) {
                    arg[o * inner + j] = bestI;
                }
            }
        }
    }

    @Override
    public boolean allFinite(float[] x, int xo, int n) {
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(x[xo + i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] += alpha * x[xo + i];
        }
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int ao, float[] b, int bo,
                     float[] c, int co, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0;
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[ao + p * m + i] : a[ao + i * k + p];
                    float bpj = transB ? b[bo + j * k + p] : b[bo + p * n + j];
                    s += aip * bpj;
                }
                c[co + i * n + j] = accumulate ? c[co + i * n + j] + s : s;
            }
        }
    }

    /** Loop orders chosen so that the innermost loop is contiguous, since this is the production float64 path. */
    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, double[] a, int ao, double[] b, int bo,
                     double[] c, int co, boolean accumulate) {
        if (!accumulate) {
            java.util.Arrays.fill(c, co, co + m * n, 0);
        }
        if (!transB) {
            // c[i, :] += a(i, p) * b[p, :]
            for (int i = 0; i < m; i++) {
                int ci = co + i * n;
                for (int p = 0; p < k; p++) {
                    double aip = transA ? a[ao + p * m + i] : a[ao + i * k + p];
                    if (aip == 0) {
                        continue;
                    }
                    int bp = bo + p * n;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += aip * b[bp + j];
                    }
                }
            }
        } else if (!transA) {
            // c[i, j] += dot(a[i, :], b[j, :])
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    int ai = ao + i * k;
                    int bj = bo + j * k;
                    for (int p = 0; p < k; p++) {
                        s += a[ai + p] * b[bj + p];
                    }
                    c[co + i * n + j] += s;
                }
            }
        } else {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += a[ao + p * m + i] * b[bo + j * k + p];
                    }
                    c[co + i * n + j] += s;
                }
            }
        }
    }
}
