package org.secateur.tensor;

import java.util.List;
import org.secateur.autograd.Anomaly;
import org.secateur.autograd.GradMode;

/**
 * A differentiable primitive: a forward computation and its vector-Jacobian product. The backward is written
 * with differentiable {@link Tensor} operations only, so when it runs with the graph recording (backward with
 * {@code createGraph}) its result can be differentiated again: Hessian-vector products are exact.
 *
 * <p>One instance per application: {@link #forward} may keep what {@link #backward} needs in fields.
 * Extend this class to add a primitive of your own; its gradient check is one call to the test helper
 * {@code GradCheck}. A primitive that holds weights in a product (as a layer does) may also offer {@link #jvp} for
 * them, which makes Hessian-vector products through it one weight-sized product cheaper.
 */
public abstract class Function {
    private Tensor[] inputs;
    /** Inputs whose gradient the running backward must not form (bit {@code i} for input {@code i}). */
    private int skipped;

    /** Computes the result from the inputs, without recording anything. */
    protected abstract Tensor forward(Tensor... inputs);

    /**
     * Given the gradient of a scalar with respect to this function's output, returns its gradient with respect
     * to each input (same shape as that input), or {@code null} for an input that needs none.
     */
    protected abstract Tensor[] backward(Tensor gradOutput);

    /**
     * The derivative of the output along {@code tangent} for input {@code input} alone (a Jacobian-vector product),
     * written in differentiable operations, or {@code null} where this function offers none. It lets a backward
     * contract an input's gradient with a vector without forming the gradient, by the transpose identity
     * {@code <vjp_i(g), v> = <g, jvp_i(v)>}: for a weight that feeds a matrix product this trades the weight
     * gradient's GEMM for nothing, since the gradient of {@code <g, jvp_i(v)>} is formed anyway by the second
     * backward of a Hessian-vector product. Offer it for inputs the function is linear in.
     */
    protected Tensor jvp(int input, Tensor tangent) {
        return null;
    }

    /** Runs {@link #forward} and records this function as the result's origin when a gradient will be needed. */
    public final Tensor apply(Tensor... in) {
        Tensor out = forward(in);
        if (GradMode.isEnabled()) {
            for (Tensor t : in) {
                if (t.requiresGrad()) {
                    inputs = in;
                    out.attach(this);
                    break;
                }
            }
        }
        if (Anomaly.isEnabled()) {
            out.checkFinite("forward of " + name());
        }
        return out;
    }

    /** The inputs this function was applied to (empty when nothing was recorded). */
    public final List<Tensor> inputs() {
        return inputs == null ? List.of() : List.of(inputs);
    }

    /** Whether input {@code i} needs a gradient, so that {@link #backward} can skip the work for the others. */
    protected final boolean needsGrad(int i) {
        return inputs != null && inputs[i].requiresGrad() && (skipped & (1 << i)) == 0;
    }

    /** {@link #backward} without forming the gradients of the inputs in the bit set {@code skip}. */
    final Tensor[] backward(Tensor gradOutput, int skip) {
        skipped = skip;
        try {
            return backward(gradOutput);
        } finally {
            skipped = 0;
        }
    }

    /** The operation's name in error messages. */
    public String name() {
        return getClass().getSimpleName();
    }

    Tensor[] recordedInputs() {
        return inputs;
    }
}
