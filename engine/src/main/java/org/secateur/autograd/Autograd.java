package org.secateur.autograd;

import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.secateur.tensor.Backprop;
import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;

/**
 * Derivatives as functions, in the manner of JAX: {@code grad}, vector-Jacobian products, exact Hessian-vector
 * products by double backward (Pearlmutter 1994), and dense {@code jacobian}/{@code hessian} for small functions.
 */
public final class Autograd {
    private Autograd() {}

    /**
     * Gradient of a one-element {@code output} with respect to each input. With {@code createGraph} the
     * gradients are graph nodes that can be differentiated again; without it nothing is recorded.
     */
    public static Tensor[] grad(Tensor output, Tensor[] inputs, boolean createGraph) {
        if (output.numel() != 1) {
            throw new IllegalArgumentException("grad needs a one-element output, got shape "
                    + Shape.str(output.shape()) + "; use vjp with a seed");
        }
        return vjp(output, Tensor.ones(output.dtype(), output.shape()), inputs, createGraph);
    }

    /** As {@link #grad(Tensor, Tensor[], boolean)} for a list of inputs. */
    public static List<Tensor> grad(Tensor output, List<Tensor> inputs, boolean createGraph) {
        return List.of(grad(output, inputs.toArray(Tensor[]::new), createGraph));
    }

    /** Vector-Jacobian product: the gradient of {@code <seed, output>} with respect to each input. */
    public static Tensor[] vjp(Tensor output, Tensor seed, Tensor[] inputs, boolean createGraph) {
        requireGraph(output, inputs);
        return Backprop.grad(new Tensor[] {output}, new Tensor[] {seed}, inputs, createGraph);
    }

    /**
     * Exact Hessian-vector product {@code H v} of the scalar {@code loss} with respect to {@code params}, where
     * {@code v} has one tensor per parameter: one backward with the graph kept, then the gradient of
     * {@code <grad, v>}. The first backward never forms the gradient of a weight that enters a matrix product or a
     * convolution: its term of {@code <grad, v>} is {@code <g, jvp(v)>} ({@link Backprop#gradDot}), which the second
     * backward needs anyway. About 1.7 gradients on an MLP.
     */
    public static Tensor[] hessianVectorProduct(Supplier<Tensor> loss, Tensor[] params, Tensor[] v) {
        if (v.length != params.length) {
            throw new IllegalArgumentException(v.length + " vectors for " + params.length + " parameters");
        }
        for (int i = 0; i < v.length; i++) {
            Shape.requireEqual("hessianVectorProduct vector " + i, params[i].shape(), v[i].shape());
        }
        try (var on = GradMode.enableGrad()) {
            Tensor l = loss.get();
            if (l.numel() != 1) {
                throw new IllegalArgumentException("hessianVectorProduct needs a one-element loss, got shape "
                        + Shape.str(l.shape()));
            }
            requireGraph(l, params);
            Tensor gv = Backprop.gradDot(new Tensor[] {l}, new Tensor[] {Tensor.ones(l.dtype(), l.shape())}, params, v);
            if (!gv.requiresGrad()) {
                // The gradient does not depend on the parameters: the loss is linear in them and H = 0.
                Tensor[] zeros = new Tensor[params.length];
                for (int i = 0; i < zeros.length; i++) {
                    zeros[i] = params[i].zerosLike();
                }
                return zeros;
            }
            return Backprop.grad(new Tensor[] {gv}, new Tensor[] {Tensor.ones(gv.dtype())}, params, false);
        }
    }

    /** {@code H v} for a scalar function of one tensor: {@code hvp(f, x, v)} as in JAX. */
    public static Tensor hessianVectorProduct(UnaryOperator<Tensor> f, Tensor x, Tensor v) {
        Tensor xv = x.detach().requiresGrad(true);
        return hessianVectorProduct(() -> f.apply(xv), new Tensor[] {xv}, new Tensor[] {v})[0];
    }

    /** The Jacobian of {@code f} at {@code x}, shaped {@code f(x).shape ++ x.shape}; one backward per output. */
    public static Tensor jacobian(UnaryOperator<Tensor> f, Tensor x) {
        Tensor xv = x.detach().requiresGrad(true);
        Tensor y;
        try (var on = GradMode.enableGrad()) {
            y = f.apply(xv);
        }
        int m = y.numel();
        int n = x.numel();
        Tensor jac = Tensor.zeros(x.dtype(), concat(y.shape(), x.shape()));
        if (!y.requiresGrad()) {
            return jac;
        }
        for (int i = 0; i < m; i++) {
            Tensor seed = y.zerosLike();
            seed.setFlat(i, 1);
            Tensor row = Backprop.grad(new Tensor[] {y}, new Tensor[] {seed}, new Tensor[] {xv}, false)[0];
            for (int j = 0; j < n; j++) {
                jac.setFlat(i * n + j, row.getFlat(j));
            }
        }
        return jac;
    }

    /**
     * The Hessian of a scalar {@code f} at {@code x}, shaped {@code x.shape ++ x.shape}: the gradient is built once
     * with its graph, then differentiated once per coordinate.
     */
    public static Tensor hessian(UnaryOperator<Tensor> f, Tensor x) {
        Tensor xv = x.detach().requiresGrad(true);
        return hessian(() -> f.apply(xv), new Tensor[] {xv}).reshape(concat(x.shape(), x.shape()));
    }

    /**
     * The full Hessian of a scalar loss with respect to all parameters, flattened and concatenated in order:
     * an {@code n x n} matrix for {@code n} parameters in total. For small nets (OBS), in the loss's dtype.
     */
    public static Tensor hessian(Supplier<Tensor> loss, Tensor[] params) {
        int n = 0;
        for (Tensor p : params) {
            n += p.numel();
        }
        Tensor[] g;
        Tensor l;
        try (var on = GradMode.enableGrad()) {
            l = loss.get();
            g = grad(l, params, true);
        }
        Tensor h = Tensor.zeros(l.dtype(), n, n);
        int row = 0;
        for (int pi = 0; pi < params.length; pi++) {
            for (int e = 0; e < params[pi].numel(); e++, row++) {
                if (!g[pi].requiresGrad()) {
                    continue;
                }
                Tensor seed = g[pi].zerosLike();
                seed.setFlat(e, 1);
                Tensor[] cols = Backprop.grad(new Tensor[] {g[pi]}, new Tensor[] {seed}, params, false);
                int col = 0;
                for (Tensor c : cols) {
                    for (int j = 0; j < c.numel(); j++) {
                        h.setFlat(row * n + col++, c.getFlat(j));
                    }
                }
            }
        }
        return h;
    }

    private static void requireGraph(Tensor output, Tensor[] inputs) {
        for (Tensor in : inputs) {
            if (!in.requiresGrad()) {
                throw new IllegalArgumentException("input of shape " + Shape.str(in.shape())
                        + " does not require grad; call requiresGrad(true) on it before computing the output");
            }
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
