package org.secateur.linalg;

import java.util.Arrays;
import org.secateur.tensor.Tensor;

/**
 * Solves, inverses and factors of symmetric positive definite matrices (Hessians, {@code 2 X X^T}) in one call, on
 * row-major {@code double[]} or on tensors. Each goes through a {@link Cholesky} factorisation, which reads only the
 * lower triangle; tensors may be float32 or float64 and results are float64.
 */
public final class Spd {
    private Spd() {}

    /** Solves {@code A X = B} for {@code B} of {@code n x k}. */
    public static double[] solve(double[] a, int n, double[] b, int k) {
        return Cholesky.factor(a, n).solve(b, k);
    }

    /** Solves {@code A x = b} for {@code b} of shape {@code [n]} or {@code A X = B} for shape {@code [n, k]}. */
    public static Tensor solve(Tensor a, Tensor b) {
        int n = Matrices.order("a", a);
        int[] s = b.shape();
        if (s.length == 0 || s.length > 2 || s[0] != n) {
            throw new IllegalArgumentException("b has shape " + Arrays.toString(s) + " but a has shape "
                    + Arrays.toString(a.shape()) + "; expected [" + n + "] or [" + n + ", k]");
        }
        int k = s.length == 1 ? 1 : s[1];
        return Tensor.of(solve(Matrices.values(a), n, Matrices.values(b), k), s);
    }

    /** {@code H^{-1}}. */
    public static double[] inverse(double[] h, int n) {
        return inverse(h, n, Damping.none());
    }

    /** {@code (H + lambda I)^{-1}}, exactly symmetric. */
    public static double[] inverse(double[] h, int n, Damping damping) {
        return Cholesky.factor("h", h, n, damping).inverse();
    }

    /** {@code H^{-1}}. */
    public static Tensor inverse(Tensor h) {
        return inverse(h, Damping.none());
    }

    /** {@code (H + lambda I)^{-1}}. */
    public static Tensor inverse(Tensor h, Damping damping) {
        int n = Matrices.order("h", h);
        return Tensor.of(inverse(Matrices.values(h), n, damping), n, n);
    }

    /** The lower Cholesky factor {@code L} of {@code H + lambda I = L L^T}. */
    public static Tensor lowerFactor(Tensor h, Damping damping) {
        int n = Matrices.order("h", h);
        return Tensor.of(Cholesky.factor("h", Matrices.values(h), n, damping).lower(), n, n);
    }

    /**
     * The upper Cholesky factor {@code U} of the inverse, {@code (H + lambda I)^{-1} = U^T U}: what GPTQ (Frantar et
     * al. 2023, Section 3, "Cholesky reformulation") computes as {@code cholesky(cholesky_inverse(cholesky(H)),
     * upper=True)}. Row {@code q} of {@code U}, times {@code U_qq}, is row {@code q} of the inverse Hessian once
     * indices {@code 0..q-1} have been removed by {@link ObsDowndate}: the column that the OBS update of weight
     * {@code q} needs after the weights before it are fixed.
     *
     * <p>It needs no second factorisation: with {@code J} the reversal permutation and {@code J H J = M M^T},
     * {@code H^{-1} = (J M^{-T} J)(J M^{-1} J)}, and {@code J M^{-1} J} is upper triangular with a positive
     * diagonal, hence the factor. So {@code H} is factorised from its last index backwards and one triangle inverted:
     * half the work of inverting and factorising again, and the inverse, with its rounding, is never formed. A
     * failure names the index of {@code H} at which that backward elimination broke down.
     */
    public static double[] inverseUpperFactor(double[] h, int n, Damping damping) {
        Matrices.requireSquare("h", h, n);
        double[] reversed = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                reversed[i * n + j] = h[(n - 1 - i) * n + (n - 1 - j)];
            }
        }
        Cholesky c;
        try {
            c = Cholesky.factor("h", reversed, n, damping);
        } catch (NotPositiveDefiniteException e) {
            throw new NotPositiveDefiniteException("h (eliminated from its last index backwards)", n,
                    n - 1 - e.pivot(), e.value(), e.lambda(), damping.retries() + 1);
        }
        // J M^{-1} J with M^{-1} = (U_P^{-1})^T: element (i, j) is U_P^{-1}[n-1-j][n-1-i].
        double[] x = Triangular.invertUpper(c.upperView(), n);
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                v[i * n + j] = x[(n - 1 - j) * n + (n - 1 - i)];
            }
        }
        return v;
    }

    /** As {@link #inverseUpperFactor(double[], int, Damping)} on a tensor. */
    public static Tensor inverseUpperFactor(Tensor h, Damping damping) {
        int n = Matrices.order("h", h);
        return Tensor.of(inverseUpperFactor(Matrices.values(h), n, damping), n, n);
    }
}
