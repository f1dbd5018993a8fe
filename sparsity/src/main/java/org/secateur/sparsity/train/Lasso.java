package org.secateur.sparsity.train;

import java.util.Collection;
import java.util.List;
import org.secateur.nn.Parameter;
import org.secateur.tensor.Tensor;

/**
 * The L1 (Lasso) penalty {@code lambda * sum |w|} over some parameters (Tibshirani 1996): it drives weights to
 * exactly zero, so a magnitude criterion finds more to prune; Han et al. 2015 (§3.1) train with it before pruning
 * without retraining. Taken on the effective weights, so pruned entries cost nothing; its subgradient at 0 is 0.
 */
public record Lasso(double lambda, List<Parameter> params) implements Regularizer {
    public Lasso {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda=" + lambda + ": expected a finite value >= 0");
        }
        if (params.isEmpty()) {
            throw new IllegalArgumentException("the L1 penalty needs at least one parameter");
        }
        params = List.copyOf(params);
    }

    public Lasso(double lambda, Collection<Parameter> params) {
        this(lambda, List.copyOf(params));
    }

    @Override
    public Tensor penalty() {
        Tensor sum = null;
        for (Parameter p : params) {
            Tensor s = p.value().abs().sum();
            sum = sum == null ? s : sum.add(s);
        }
        return sum.mul(lambda);
    }
}
