package org.secateur.nn;

import java.util.List;
import java.util.function.Supplier;
import org.secateur.autograd.Autograd;
import org.secateur.autograd.GradMode;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.testing.GradCheck;

/**
 * {@link GradCheck}'s three checks with respect to a module's own parameters, so that a layer is verified through
 * its real forward. GradCheck differentiates with respect to fresh copies of its inputs, and a {@link Parameter}
 * cannot take a graph node as its data ({@code setData} makes a new leaf), so this helper differentiates with
 * respect to the live parameter leaves and perturbs them in place (restoring them exactly afterwards). Same
 * measures and step sizes as GradCheck.
 */
final class ParameterGradCheck {
    private ParameterGradCheck() {}

    /** The largest |analytic - numeric| / max(1, |numeric|) over every element of every parameter. */
    static double gradientError(Supplier<Tensor> f, long seed, List<Parameter> params) {
        Tensor[] x = leaves(params);
        Tensor w = projection(f, seed);
        Tensor[] analytic = Autograd.grad(project(f, w), x, false);
        double worst = 0;
        try (var off = GradMode.noGrad()) {
            for (int i = 0; i < x.length; i++) {
                for (int j = 0; j < x[i].numel(); j++) {
                    double orig = x[i].getFlat(j);
                    x[i].setFlat(j, orig + GradCheck.EPS);
                    double up = project(f, w).item();
                    x[i].setFlat(j, orig - GradCheck.EPS);
                    double down = project(f, w).item();
                    x[i].setFlat(j, orig);
                    double numeric = (up - down) / (2 * GradCheck.EPS);
                    worst = Math.max(worst, Math.abs(analytic[i].getFlat(j) - numeric) / Math.max(1, Math.abs(numeric)));
                }
            }
        }
        return worst;
    }

    /** The exact Hessian-vector product against central differences of the gradient along a random direction. */
    static double hessianVectorError(Supplier<Tensor> f, long seed, List<Parameter> params) {
        Tensor[] x = leaves(params);
        Tensor w = projection(f, seed);
        Tensor[] v = randomLike(x, new Rng(seed ^ 0x5DEECE66DL));
        Tensor[] hv = Autograd.hessianVectorProduct(() -> project(f, w), x, v);
        double t = GradCheck.EPS * 10;
        Tensor[] plus = gradAt(f, w, x, v, t);
        Tensor[] minus = gradAt(f, w, x, v, -t);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].numel(); j++) {
                double numeric = (plus[i].getFlat(j) - minus[i].getFlat(j)) / (2 * t);
                worst = Math.max(worst, Math.abs(hv[i].getFlat(j) - numeric) / Math.max(1, Math.abs(numeric)));
            }
        }
        return worst;
    }

    /** {@code |u.(Hv) - v.(Hu)| / max(1, |u.(Hv)|)}. */
    static double hessianAsymmetry(Supplier<Tensor> f, long seed, List<Parameter> params) {
        Tensor[] x = leaves(params);
        Tensor w = projection(f, seed);
        Rng rng = new Rng(seed + 17);
        Tensor[] u = randomLike(x, rng);
        Tensor[] v = randomLike(x, rng);
        double uhv = dot(u, Autograd.hessianVectorProduct(() -> project(f, w), x, v));
        double vhu = dot(v, Autograd.hessianVectorProduct(() -> project(f, w), x, u));
        return Math.abs(uhv - vhu) / Math.max(1, Math.abs(uhv));
    }

    private static Tensor[] leaves(List<Parameter> params) {
        Tensor[] x = new Tensor[params.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = params.get(i).data();
            if (x[i].dtype() != DType.F64) {
                throw new IllegalArgumentException("gradient checks need float64 parameters; call module.to(F64)");
            }
        }
        return x;
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
