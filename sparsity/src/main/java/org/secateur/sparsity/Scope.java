package org.secateur.sparsity;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * Where a sparsity target applies: one ranking across all chosen parameters ({@link Global}, PyTorch's
 * {@code global_unstructured}) or one per parameter ({@link LayerWise}, with per-layer targets).
 *
 * <p>A target {@code s} is the fraction of a parameter's (or, globally, of all chosen parameters') groups that is
 * pruned afterwards, counting groups already pruned: {@code k = round(s * n)} of {@code n} groups, rounded half to
 * even as Python's {@code round} in PyTorch's prune. For unstructured pruning groups are single weights, and
 * {@code s} is the fraction of zero weights. Targets lie in {@code [0, 1)}.
 */
public sealed interface Scope {

    /** The same scope with every target {@code s} replaced by {@code f(s)} (schedules use it). */
    Scope map(DoubleUnaryOperator f);

    /** One threshold across all chosen parameters. */
    static Global global(double sparsity) {
        return new Global(sparsity);
    }

    /** Each parameter pruned to {@code sparsity} on its own. */
    static LayerWise layerWise(double sparsity) {
        return new LayerWise(sparsity, Map.of());
    }

    /** Each named parameter pruned to its own target; chosen parameters not named are left as they are. */
    static LayerWise layerWise(Map<String, Double> targets) {
        return new LayerWise(0, targets);
    }

    /** One ranking and one target across all chosen parameters. */
    record Global(double sparsity) implements Scope {
        public Global {
            requireSparsity("global sparsity", sparsity);
        }

        @Override
        public Global map(DoubleUnaryOperator f) {
            return new Global(f.applyAsDouble(sparsity));
        }
    }

    /**
     * Parameter by parameter: the target in {@code targets} for a parameter named there, {@code sparsity} for the
     * others.
     */
    record LayerWise(double sparsity, Map<String, Double> targets) implements Scope {
        public LayerWise {
            requireSparsity("layer-wise sparsity", sparsity);
            targets.forEach((name, s) -> requireSparsity("sparsity of " + name, s));
            targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
        }

        /** The target of parameter {@code name}. */
        public double sparsityOf(String name) {
            return targets.getOrDefault(name, sparsity);
        }

        @Override
        public LayerWise map(DoubleUnaryOperator f) {
            Map<String, Double> mapped = new LinkedHashMap<>();
            targets.forEach((name, s) -> mapped.put(name, f.applyAsDouble(s)));
            return new LayerWise(f.applyAsDouble(sparsity), mapped);
        }
    }

    private static void requireSparsity(String what, double s) {
        if (!(s >= 0 && s < 1)) {
            throw new IllegalArgumentException(what + " = " + s + ": expected a fraction in [0, 1)");
        }
    }
}
