package org.secateur.tensor.kernels;

/**
 * The hot loops of the engine. {@link ScalarKernels} is the plain reference and the float64 path;
 * {@link PanamaKernels} overrides the float32 loops with the Vector API. {@link #get()} picks one at start-up,
 * as Lucene's vectorization layer does.
 *
 * <p>Strided arguments named {@code as}/{@code bs} are element steps of 0 (broadcast one value) or 1 (contiguous).
 * Matrices are row-major and contiguous.
 */
public interface Kernels {

    /** {@code out[oo+i] = op(a[ao+i*as], b[bo+i*bs])} for {@code i < n}. */
    void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int n);

    /** {@code out[oo+i] = op(a[ao+i*as], b[bo+i*bs])} for {@code i < n}. */
    void binary(BinaryOp op, double[] a, int ao, int as, double[] b, int bo, int bs, double[] out, int oo, int n);

    /** {@code out[oo+i] = op(x[xo+i])} for {@code i < n}. */
    void unary(UnaryOp op, float[] x, int xo, float[] out, int oo, int n);

    /** {@code out[oo+i] = op(x[xo+i])} for {@code i < n}. */
    void unary(UnaryOp op, double[] x, int xo, double[] out, int oo, int n);

    /**
     * Sums {@code x} from {@code xo}, viewed as {@code [outer, r, inner]}, over its middle axis into
     * {@code out[outer, inner]} from {@code oo}. Each output element's sum is the same whatever part of {@code outer}
     * one call covers, so callers may split {@code outer} over threads.
     */
    void sum(float[] x, int xo, int outer, int r, int inner, float[] out, int oo);

    /** As {@link #sum(float[], int, int, int, int, float[], int)} in double. */
    void sum(double[] x, int xo, int outer, int r, int inner, double[] out, int oo);

    /**
     * Maximum of {@code x}, viewed as {@code [outer, r, inner]}, over its middle axis; {@code arg} receives the
     * index along that axis of the first maximum (NaN counts as the maximum).
     */
    void max(float[] x, int outer, int r, int inner, float[] out, int[] arg);

    /** As {@link #max(float[], int, int, int, float[], int[])} in float64. */
    void max(double[] x, int outer, int r, int inner, double[] out, int[] arg);

    /** {@code sum_i a[ao+i] * b[bo+i]}. */
    float dot(float[] a, int ao, float[] b, int bo, int n);

    /** {@code y[yo+i] += alpha * x[xo+i]}. */
    void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n);

    /** Whether none of {@code x[xo .. xo+n)} is NaN or infinite. */
    boolean allFinite(float[] x, int xo, int n);

    /** As the float32 {@code allFinite}, in float64 (float64 is for verification: no vector version). */
    default boolean allFinite(double[] x, int xo, int n) {
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(x[xo + i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code C = op(A) op(B)} (or {@code C += ...} when {@code accumulate}), where {@code op(A)} is {@code m x k}
     * (stored {@code k x m} when {@code transA}), {@code op(B)} is {@code k x n} (stored {@code n x k} when
     * {@code transB}) and {@code C} is {@code m x n}.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int ao, float[] b, int bo,
              float[] c, int co, boolean accumulate);

    /** As the float32 {@code gemm}, in float64. */
    void gemm(boolean transA, boolean transB, int m, int n, int k, double[] a, int ao, double[] b, int bo,
              double[] c, int co, boolean accumulate);

    /** ReLU's derivative applied to a gradient: {@code out[oo+i] = g[go+i] * (x[xo+i] > 0 ? 1 : 0)}. */
    default void reluGrad(float[] g, int go, float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = g[go + i] * (x[xo + i] > 0 ? 1f : 0f);
        }
    }

    /** As the float32 {@code reluGrad}, in float64. */
    default void reluGrad(double[] g, int go, double[] x, int xo, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = g[go + i] * (x[xo + i] > 0 ? 1.0 : 0.0);
        }
    }

    /** The implementation chosen at start-up. */
    static Kernels get() {
        return KernelSelector.KERNELS;
    }

    /** Whether the chosen kernels are the Vector API ones (the module is enabled and the reference not forced). */
    static boolean vectorized() {
        return get() != scalar();
    }

    /** The plain scalar reference, for tests and for comparison. */
    static Kernels scalar() {
        return KernelSelector.SCALAR;
    }
}
