package org.secateur.optim;

import java.util.List;
import org.secateur.nn.Parameter;
import org.secateur.tensor.kernels.Kernels;

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum (Sutskever et al. 2013, eq. 3-4, in
 * PyTorch's form) and L2 weight decay, following {@code torch.optim.SGD} exactly:
 * <pre>
 * d = g + weightDecay * w
 * b = d                                   on the first step
 * b = momentum * b + (1 - dampening) * d  afterwards
 * d = nesterov ? d + momentum * b : b     (when momentum != 0)
 * w = w - lr * d
 * </pre>
 * The momentum buffer is the state {@code momentum_buffer}.
 */
public final class SGD extends Optimizer {
    public final double momentum;
    public final double dampening;
    public final double weightDecay;
    public final boolean nesterov;

    /** Plain SGD. */
    public SGD(List<Parameter> params, double lr) {
        this(params, lr, 0, 0, 0, false);
    }

    /** SGD with momentum and weight decay, no dampening, no Nesterov. */
    public SGD(List<Parameter> params, double lr, double momentum, double weightDecay) {
        this(params, lr, momentum, 0, weightDecay, false);
    }

    public SGD(List<Parameter> params, double lr, double momentum, double dampening, double weightDecay,
               boolean nesterov) {
        super(params, lr, momentum != 0 ? new String[] {"momentum_buffer"} : new String[0]);
        if (!(momentum >= 0) || !(weightDecay >= 0) || !Double.isFinite(dampening)) {
            throw new IllegalArgumentException("SGD(momentum=" + momentum + ", dampening=" + dampening
                    + ", weightDecay=" + weightDecay + "): expected momentum >= 0, weightDecay >= 0, finite dampening");
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum needs momentum > 0 and dampening 0, got momentum="
                    + momentum + ", dampening=" + dampening);
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    @Override
    protected void update(double[] w, double[] g, double[][] state, int n, long step) {
        // d = g + weightDecay w; b = momentum b + (1 - dampening) d (b = d on the first step);
        // w -= lr (nesterov ? d + momentum b : b). One branch-free loop per case, so that the JIT vectorises it.
        double lr = lr();
        if (momentum == 0) {
            for (int i = 0; i < n; i++) {
                w[i] -= lr * (g[i] + weightDecay * w[i]);
            }
            return;
        }
        double[] b = state[0];
        double keep = 1 - dampening;
        if (step == 1) {
            for (int i = 0; i < n; i++) {
                b[i] = g[i] + weightDecay * w[i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                b[i] = momentum * b[i] + keep * (g[i] + weightDecay * w[i]);
            }
        }
        if (nesterov) {
            for (int i = 0; i < n; i++) {
                w[i] -= lr * (g[i] + weightDecay * w[i] + momentum * b[i]);
            }
        } else {
            for (int i = 0; i < n; i++) {
                w[i] -= lr * b[i];
            }
        }
    }

    @Override
    protected int updateFloats(float[] w, float[] g, float[][] state, float[] mask, int from, int to, long step) {
        return Kernels.vectorized()
                ? VectorRules.sgd(this, w, g, state.length == 0 ? null : state[0], mask, from, to, step == 1)
                : from;
    }

    @Override
    public String toString() {
        return "SGD(lr=" + lr() + ", momentum=" + momentum + ", dampening=" + dampening + ", weightDecay="
                + weightDecay + ", nesterov=" + nesterov + ")";
    }
}
