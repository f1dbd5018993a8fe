package org.secateur.linalg;

import java.util.Arrays;
import org.secateur.tensor.DType;
import org.secateur.tensor.Tensor;
import org.secateur.tensor.kernels.Kernels;

/**
 * Small helpers for dense matrices held as row-major {@code double[]}: argument checks, products, the diagonal,
 * the trace and a symmetry test.
 */
public final class Matrices {
    private Matrices() {}

    /** Checks that {@code a} holds an {@code n x n} matrix. */
    static void requireSquare(String name, double[] a, int n) {
        if (n < 0 || a.length != (long) n * n) {
            throw new IllegalArgumentException(name + " has " + a.length + " elements but a " + n + " x " + n
                    + " matrix needs " + (long) n * n);
        }
    }

    /** Checks that {@code a} holds an {@code rows x cols} matrix. */
    static void requireShape(String name, double[] a, int rows, int cols) {
        if (rows < 0 || cols < 0 || a.length != (long) rows * cols) {
            throw new IllegalArgumentException(name + " has " + a.length + " elements but a " + rows + " x " + cols
                    + " matrix needs " + (long) rows * cols);
        }
    }

    /** The order {@code n} of a square 2-D tensor, or an exception naming {@code name} and its shape. */
    static int order(String name, Tensor t) {
        int[] s = t.shape();
        if (s.length != 2 || s[0] != s[1]) {
            throw new IllegalArgumentException(name + " must be a square matrix [n, n], got shape "
                    + Arrays.toString(s));
        }
        return s[0];
    }

    /** The elements of a tensor as doubles: its live storage when it is float64 (callers only read it). */
    static double[] values(Tensor t) {
        return t.dtype() == DType.F64 ? t.doubles() : t.toDoubleArray();
    }

    /** The {@code n x n} identity. */
    public static double[] identity(int n) {
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            a[i * n + i] = 1;
        }
        return a;
    }

    /** {@code A B} for {@code A} of {@code m x k} and {@code B} of {@code k x p}. */
    public static double[] multiply(double[] a, double[] b, int m, int k, int p) {
        requireShape("a", a, m, k);
        requireShape("b", b, k, p);
        double[] c = new double[m * p];
        Kernels.get().gemm(false, false, m, p, k, a, 0, b, 0, c, 0, false);
        return c;
    }

    /** {@code A x} for {@code A} of {@code m x k} and {@code x} of length {@code k}. */
    public static double[] multiplyVector(double[] a, int m, int k, double[] x) {
        requireShape("a", a, m, k);
        if (x.length != k) {
            throw new IllegalArgumentException("x has length " + x.length + " but a is " + m + " x " + k);
        }
        double[] y = new double[m];
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int j = 0; j < k; j++) {
                s += a[i * k + j] * x[j];
            }
            y[i] = s;
        }
        return y;
    }

    /** The transpose of an {@code m x k} matrix. */
    public static double[] transpose(double[] a, int m, int k) {
        requireShape("a", a, m, k);
        double[] t = new double[a.length];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < k; j++) {
                t[j * m + i] = a[i * k + j];
            }
        }
        return t;
    }

    /** The diagonal of an {@code n x n} matrix. */
    public static double[] diagonal(double[] a, int n) {
        requireSquare("a", a, n);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = a[i * n + i];
        }
        return d;
    }

    /** The sum of the diagonal of an {@code n x n} matrix. */
    public static double trace(double[] a, int n) {
        requireSquare("a", a, n);
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += a[i * n + i];
        }
        return s;
    }

    /** {@code A += lambda I} in place. */
    public static void addToDiagonal(double[] a, int n, double lambda) {
        requireSquare("a", a, n);
        for (int i = 0; i < n; i++) {
            a[i * n + i] += lambda;
        }
    }

    /**
     * Whether {@code |a_ij - a_ji| <= tolerance * max|a|} for all {@code i, j}: symmetry relative to the largest
     * element, so that a Hessian accumulated in floating point passes with a tolerance of a few ulps.
     */
    public static boolean isSymmetric(double[] a, int n, double tolerance) {
        requireSquare("a", a, n);
        double max = 0;
        for (double v : a) {
            max = Math.max(max, Math.abs(v));
        }
        double bound = tolerance * max;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                // Written so that a NaN on either side fails the test.
                if (!(Math.abs(a[i * n + j] - a[j * n + i]) <= bound)) {
                    return false;
                }
            }
        }
        return true;
    }
}
