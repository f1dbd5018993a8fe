package org.secateur.nn;

import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/**
 * Inverted dropout (Srivastava et al. 2014; scaling as PyTorch's {@code Dropout}): in training each element is
 * zeroed with probability {@code p} and the survivors are scaled by {@code 1/(1-p)}, so the expected output
 * equals the input; in evaluation it is the identity. The mask is a constant drawn from the generator given at
 * construction, one fresh mask per forward.
 */
public final class Dropout extends Module {
    public final double p;
    private final Rng rng;

    public Dropout(double p, Rng rng) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability p=" + p + ": expected p in [0, 1]");
        }
        this.p = p;
        this.rng = rng;
    }

    @Override
    protected Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) {
            return x;
        }
        Tensor mask = x.zerosLike();
        double keep = 1 / (1 - p);
        for (int i = 0, n = mask.numel(); i < n; i++) {
            if (rng.nextDouble() >= p) {
                mask.setFlat(i, keep);
            }
        }
        return x.mul(mask);
    }

    @Override
    public String toString() {
        return "Dropout(p=" + p + ")";
    }
}
