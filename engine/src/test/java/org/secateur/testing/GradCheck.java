package org.secateur.testing;

import java.util.function.Function;
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
 */
public final class GradCheck {
    private GradCheck() {}

    /** Step of the central differences: balances truncation (h^2) and cancellation (eps/h) error in float64. */
    public static final double EPS = 1e-6;

    /** The largest |analytic - numeric| / max(1, |numeric|) over all input elements. */
    public static double gradientError(Function<Tensor[], Tensor> f, long seed, Tensor... inputs) {
        Tensor[] x = leaves(inputs);
        Tensor w = projection(f, x, seed);
        Tensor[] analytic = Autograd.grad(project(f, x, w), x, false);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].numel(); j++) {
                double numeric = centralDifference(f, x, w, i, j);
                double err = Math.abs(analytic[i].getFlat(j) - numeric) / Math.max(1, Math.abs(numeric));
                worst = Math.max(worst, err);
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
        Tensor w = projection(f, x, seed);
        Tensor[] v = randomLike(x, new Rng(seed ^ 0x5DEECE66DL));
        Tensor[] hv = Autograd.hessianVectorProduct(() -> project(f, x, w), x, v);
        Tensor[] plus = gradAt(f, x, w, v, EPS * 10);
        Tensor[] minus = gradAt(f, x, w, v, -EPS * 10);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].numel(); j++) {
                double numeric = (plus[i].getFlat(j) - minus[i].getFlat(j)) / (2 * EPS * 10);
                double err = Math.abs(hv[i].getFlat(j) - numeric) / Math.max(1, Math.abs(numeric));
                worst = Math.max(worst, err);
            }
        }
        return worst;
    }

    /** {@code |u.(Hv) - v.(Hu)| / max(1, |u.(Hv)|)}: the Hessian of a smooth function is symmetric. */
    public static double hessianAsymmetry(Function<Tensor[], Tensor> f, long seed, Tensor... inputs) {
        Tensor[] x = leaves(inputs);
        Tensor w = projection(f, x, seed);
        Rng rng = new Rng(seed + 17);
        Tensor[] u = randomLike(x, rng);
        Tensor[] v = randomLike(x, rng);
        Tensor[] hv = Autograd.hessianVectorProduct(() -> project(f, x, w), x, v);
        Tensor[] hu = Autograd.hessianVectorProduct(() -> project(f, x, w), x, u);
        double uhv = dot(u, hv);
        double vhu = dot(v, hu);
        return Math.abs(uhv - vhu) / Math.max(1, Math.abs(uhv));
    }

    private static Tensor[] leaves(Tensor[] inputs) {
        Tensor[] x = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].dtype() != DType.F64) {
                throw new IllegalArgumentException("gradient checks need float64 inputs");
            }
            x[i] = inputs[i].copy().requiresGrad(true);
        }
        return x;
    }

    private static Tensor projection(Function<Tensor[], Tensor> f, Tensor[] x, long seed) {
        Tensor y;
        try (var off = GradMode.noGrad()) {
            y = f.apply(x);
        }
        return Tensor.normal(new Rng(seed), 0, 1, DType.F64, y.shape());
    }

    private static Tensor project(Function<Tensor[], Tensor> f, Tensor[] x, Tensor w) {
        return f.apply(x).mul(w).sum();
    }

    private static double centralDifference(Function<Tensor[], Tensor> f, Tensor[] x, Tensor w, int i, int j) {
        try (var off = GradMode.noGrad()) {
            double orig = x[i].getFlat(j);
            x[i].setFlat(j, orig + EPS);
            double up = project(f, x, w).item();
            x[i].setFlat(j, orig - EPS);
            double down = project(f, x, w).item();
            x[i].setFlat(j, orig);
            return (up - down) / (2 * EPS);
        }
    }

    /** Gradient of the projection at {@code x + t v}. */
    private static Tensor[] gradAt(Function<Tensor[], Tensor> f, Tensor[] x, Tensor w, Tensor[] v, double t) {
        Tensor[] xs = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            xs[i] = x[i].copy().addInPlace(t, v[i]).requiresGrad(true);
        }
        return Autograd.grad(project(f, xs, w), xs, false);
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
