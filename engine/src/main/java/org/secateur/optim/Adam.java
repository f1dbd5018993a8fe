package org.secateur.optim;

import java.util.List;
import org.secateur.nn.Parameter;
import org.secateur.tensor.kernels.Kernels;

/**
 * Adam (Kingma &amp; Ba 2015, Algorithm 1) in {@code torch.optim.Adam}'s form, with L2 weight decay added to the
 * gradient:
 * <pre>
 * g = g + weightDecay * w
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g^2
 * w = w - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * {@link AdamW} decouples the weight decay instead. The moments are the states {@code exp_avg} and
 * {@code exp_avg_sq}; {@code t} counts this parameter's updates.
 */
public class Adam extends Optimizer {
    public final double beta1;
    public final double beta2;
    public final double eps;
    public final double weightDecay;
    private final boolean decoupled;

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(List<Parameter> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0);
    }

    public Adam(List<Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        this(params, lr, beta1, beta2, eps, weightDecay, false);
    }

    Adam(List<Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay,
         boolean decoupled) {
        super(params, lr, "exp_avg", "exp_avg_sq");
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + "(beta1=" + beta1 + ", beta2=" + beta2
                    + ", eps=" + eps + ", weightDecay=" + weightDecay
                    + "): expected betas in [0, 1), eps >= 0, weightDecay >= 0");
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    @Override
    protected final void update(double[] w, double[] g, double[][] state, int n, long step) {
        double[] m = state[0];
        double[] v = state[1];
        double stepSize = stepSize(step);
        double bc2Sqrt = bc2Sqrt(step);
        double coupledDecay = coupledDecay();
        double shrink = shrink();
        for (int i = 0; i < n; i++) {
            double gi = g[i] + coupledDecay * w[i];
            m[i] = beta1 * m[i] + (1 - beta1) * gi;
            v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
            w[i] = w[i] * shrink - stepSize * m[i] / (Math.sqrt(v[i]) / bc2Sqrt + eps);
        }
    }

    @Override
    protected final int updateFloats(float[] w, float[] g, float[][] state, float[] mask, int from, int to,
                                     long step) {
        if (!Kernels.vectorized()) {
            return from;
        }
        return VectorRules.adam(this, w, g, state[0], state[1], mask, from, to, stepSize(step), bc2Sqrt(step),
                coupledDecay(), shrink());
    }

    /** The weight decay added to the gradient: Adam's L2 term, none for AdamW. */
    private double coupledDecay() {
        return decoupled ? 0 : weightDecay;
    }

    /** The factor the values shrink by before the step: AdamW's decoupled decay, 1 for Adam. */
    private double shrink() {
        return decoupled ? 1 - lr() * weightDecay : 1;
    }

    /** {@code lr / (1 - beta1^t)}: the step with the first moment's bias correction. */
    private double stepSize(long step) {
        return lr() / (1 - Math.pow(beta1, step));
    }

    /** {@code sqrt(1 - beta2^t)}: the second moment's bias correction, under the root. */
    private double bc2Sqrt(long step) {
        return Math.sqrt(1 - Math.pow(beta2, step));
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(lr=" + lr() + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + eps
                + ", weightDecay=" + weightDecay + ")";
    }
}
