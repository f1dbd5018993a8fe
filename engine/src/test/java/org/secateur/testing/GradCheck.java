package org.secateur.testing;

import java.util.function.Function;
import java.util.function.Supplier;
import org.secateur.autograd.Autograd;
import org.secateur.autograd.GradMode;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/**
 * Derivative checks in float64 after {@code torch.autograd.gradcheck}/{@code gradgradcheck}: analytic gradients
 * against central differences, and exact Hessian-vector products against central differences of the gradient.
 * A random projection {@code <w, f(x)>} turns any output into a scalar, so one gradient checks a random linear
 * combination of the Jacobian's rows: a wrong entry shows with probability one.
 *
 * <p>Each check comes in two forms: for a function of inputs (checked at fresh copies of them), and for a
 * computation that reads live leaf tensors (a module's parameters, {@code Parameter.data()}), which are perturbed
 * in place and restored bit for bit.
 */
public final class GradCheck {
    private GradCheck() {}

    /** Step of the central differences: balances truncation (h^2) and cancellation (eps/h) error in float64. */
    public static final double EPS = 1e-6;

    /** Step along a direction for differences of the gradient. */
    private static final double HVP_STEP = 10 * EPS;

    /** The largest |analytic - numeric| / max(1, |numeric|) over all input elements. */
    public static double gradientError(Function<Tensor[], Tensor> f, long seed, Tensor... inputs) {
        Tensor[] x = leaves(inputs);
        return gradientError(() -> f.apply(x), seed, x);
    }

    /** As {@link #gradientError(Function, long, Tensor...)} with respect to the live leaves {@code x}. */
    public static double gradientError(Supplier<Tensor> f, long seed, Tensor... x) {
        requireF64(x);
        Tensor w = projection(f, seed);
        Tensor[] analytic = Autograd.grad(project(f, w), x, false);
        double worst = 0;
        try (var off = GradMode.noGrad()) {
            for (int i = 0; i < x.length; i++) {
                for (int j = 0; j < x[i].numel(); j++) {
                    double orig = x[i].getFlat(j);
                    x[i].setFlat(j, orig + EPS);
                    double up = project(f, w).item();
                    x[i].setFlat(j, orig - EPS);
                    double down = project(f, w).item();
                    x[i].setFlat(j, orig);
                    double numeric = (up - down) / (2 * EPS);
                    worst = Math.max(worst, relativeError(analytic[i].getFlat(j), numeric));
                }
            }
        }
        return worst;
    }

    /**
     * The largest relative error of the exact Hessian-vector product of {@code <w, f(x)>} against central
     * differences of its gradient, along a random direction.
     */
    public static double hessianVectorError(Function<Tensor[], Tensor> f, long seed, Tensor... inputs) {
        Tensor[] x = leaves(inputs);
        return hessianVectorError(() -> f.apply(x), seed, x);
    }

    /** As {@link #hessianVectorError(Function, long, Tensor...)} with respect to the live leaves {@code x}. */
    public static double hessianVectorError(Supplier<Tensor> f, long seed, Tensor... x) {
        requireF64(x);
        Tensor w = projection(f, seed);
        Tensor[] v = randomLike(x, new Rng(seed ^ 0x5DEECE66DL));
        Tensor[] hv = Autograd.hessianVectorProduct(() -> project(f, w), x, v);
        Tensor[] plus = gradAt(f, w, x, v, HVP_STEP);
        Tensor[] minus = gradAt(f, w, x, v, -HVP_STEP);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].numel(); j++) {
                double numeric = (plus[i].getFlat(j) - minus[i].getFlat(j)) / (2 * HVP_STEP);
                worst = Math.max(worst, relativeError(hv[i].getFlat(j), numeric));
            }
        }
        return worst;
    }

    /** {@code |u.(Hv) - v.(Hu)| / max(1, |u.(Hv)|)}: the Hessian of a smooth function is symmetric. */
    public static double hessianAsymmetry(Function<Tensor[], Tensor> f, long seed, Tensor... inputs) {
        Tensor[] x = leaves(inputs);
        return hessianAsymmetry(() -> f.apply(x), seed, x);
    }

    /** As {@link #hessianAsymmetry(Function, long, Tensor...)} with respect to the live leaves {@code x}. */
    public static double hessianAsymmetry(Supplier<Tensor> f, long seed, Tensor... x) {
        requireF64(x);
        Tensor w = projection(f, seed);
        Rng rng = new Rng(seed + 17);
        Tensor[] u = randomLike(x, rng);
        Tensor[] v = randomLike(x, rng);
        double uhv = dot(u, Autograd.hessianVectorProduct(() -> project(f, w), x, v));
        double vhu = dot(v, Autograd.hessianVectorProduct(() -> project(f, w), x, u));
        return Math.abs(uhv - vhu) / Math.max(1, Math.abs(uhv));
    }

    private static double relativeError(double analytic, double numeric) {
        return Math.abs(analytic - numeric) / Math.max(1, Math.abs(numeric));
    }

    /** Fresh float64 leaves holding copies of the inputs. */
    private static Tensor[] leaves(Tensor[] inputs) {
        Tensor[] x = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            x[i] = inputs[i].copy().requiresGrad(true);
        }
        return x;
    }

    private static void requireF64(Tensor[] x) {
        for (Tensor t : x) {
            if (t.dtype() != DType.F64) {
                throw new IllegalArgumentException("gradient checks need float64 tensors (module.to(F64)), got "
                        + t.dtype());
            }
        }
    }

    private static Tensor projection(Supplier<Tensor> f, long seed) {
        Tensor y;
        try (var off = GradMode.noGrad()) {
            y = f.get();
        }
        return Tensor.normal(new Rng(seed), 0, 1, DType.F64, y.shape());
    }

    private static Tensor project(Supplier<Tensor> f, Tensor w) {
        return f.get().mul(w).sum();
    }

    /** The gradient at {@code x + t v}, with {@code x} restored bit for bit afterwards. */
    private static Tensor[] gradAt(Supplier<Tensor> f, Tensor w, Tensor[] x, Tensor[] v, double t) {
        Tensor[] saved = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            saved[i] = x[i].copy();
            x[i].addInPlace(t, v[i]);
        }
        try {
            return Autograd.grad(project(f, w), x, false);
        } finally {
            for (int i = 0; i < x.length; i++) {
                x[i].copyFromInPlace(saved[i]);
            }
        }
    }

    private static Tensor[] randomLike(Tensor[] x, Rng rng) {
        Tensor[] v = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            v[i] = Tensor.normal(rng, 0, 1, DType.F64, x[i].shape());
        }
        return v;
    }

    private static double dot(Tensor[] a, Tensor[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].numel(); j++) {
                s += a[i].getFlat(j) * b[i].getFlat(j);
            }
        }
        return s;
    }
}
