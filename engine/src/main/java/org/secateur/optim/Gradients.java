package org.secateur.optim;

import java.util.List;
import org.secateur.autograd.GradMode;
import org.secateur.nn.Parameter;
import org.secateur.tensor.DType;
import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;

/** Operations on the gradients of a set of parameters: global norm, clipping and the finiteness check. */
public final class Gradients {
    private Gradients() {}

    /** PyTorch's guard against dividing by a zero norm in {@code clip_grad_norm_}. */
    private static final double CLIP_EPS = 1e-6;

    /** The L2 norm of all gradients taken together (parameters without a gradient count as zero). */
    public static double globalNorm(List<Parameter> params) {
        double sumSq = 0;
        for (Parameter p : params) {
            Tensor g = p.grad();
            if (g != null) {
                sumSq += sumOfSquares(g);
            }
        }
        return Math.sqrt(sumSq);
    }

    /**
     * Scales all gradients by {@code min(1, maxNorm / (norm + 1e-6))} so that their global L2 norm is at most
     * {@code maxNorm}, as PyTorch's {@code clip_grad_norm_} (Pascanu et al. 2013, Algorithm 1), and returns the
     * norm before clipping. The scaled gradients are new tensors: backward may hand several parameters the same
     * gradient storage, so scaling in place could scale it twice.
     *
     * @throws ArithmeticException when the norm is NaN or infinite, naming the first offending parameter
     */
    public static double clipGradNorm(List<Parameter> params, double maxNorm) {
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("maxNorm=" + maxNorm + ": expected a value >= 0");
        }
        double norm = globalNorm(params);
        if (!Double.isFinite(norm)) {
            requireFinite(params);
            throw new ArithmeticException("the global gradient norm overflowed to " + norm
                    + " although every gradient is finite; cannot clip");
        }
        double coef = maxNorm / (norm + CLIP_EPS);
        if (coef < 1) {
            try (var off = GradMode.noGrad()) {
                for (Parameter p : params) {
                    Tensor g = p.grad();
                    if (g != null) {
                        p.data().setGrad(g.mul(coef));
                    }
                }
            }
        }
        return norm;
    }

    /**
     * Throws when any gradient holds NaN or infinity, naming the parameter (its position in {@code params} and
     * its shape), the value and where it is.
     *
     * @throws ArithmeticException at the first non-finite gradient entry
     */
    public static void requireFinite(List<Parameter> params) {
        for (int k = 0; k < params.size(); k++) {
            Tensor g = params.get(k).grad();
            if (g == null) {
                continue;
            }
            int bad = g.firstNonFinite();
            if (bad >= 0) {
                throw new ArithmeticException("gradient of parameter " + k + " of " + params.size() + " (shape "
                        + Shape.str(g.shape()) + ") is " + g.getFlat(bad) + " at flat index " + bad
                        + "; run the forward and backward under Anomaly.detect() to find the operation that made it");
            }
        }
    }

    private static double sumOfSquares(Tensor g) {
        double s = 0;
        if (g.dtype() == DType.F32) {
            for (float v : g.floats()) {
                s += (double) v * v;
            }
        } else {
            for (double v : g.doubles()) {
                s += v * v;
            }
        }
        return s;
    }
}
