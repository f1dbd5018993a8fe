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
 * {@code GradCheck}.
 */
public abstract class Function {
    private Tensor[] inputs;

    /** Computes the result from the inputs, without recording anything. */
    protected abstract Tensor forward(Tensor... inputs);

    /**
     * Given the gradient of a scalar with respect to this function's output, returns its gradient with respect
     * to each input (same shape as that input), or {@code null} for an input that needs none.
     */
    protected abstract Tensor[] backward(Tensor gradOutput);

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
        return inputs != null && inputs[i].requiresGrad();
    }

    /** The operation's name in error messages. */
    public String name() {
        return getClass().getSimpleName();
    }

    Tensor[] recordedInputs() {
        return inputs;
    }
}
