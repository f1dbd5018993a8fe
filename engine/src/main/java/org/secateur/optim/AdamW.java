package org.secateur.optim;

import java.util.List;
import org.secateur.nn.Parameter;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter 2019, Algorithm 2), as {@code torch.optim.AdamW}: the
 * values shrink by {@code 1 - lr * weightDecay} before the Adam step, and the decay never enters the moments.
 */
public final class AdamW extends Adam {
    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public AdamW(List<Parameter> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0.01);
    }

    public AdamW(List<Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(params, lr, beta1, beta2, eps, weightDecay, true);
    }
}
