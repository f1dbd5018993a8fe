package org.secateur.sparsity;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.secateur.tensor.Tensor;

/** Importance scores from a {@link Criterion}, by parameter name; higher means more important (kept longer). */
public sealed interface Scores {

    /**
     * One score per entry, each tensor shaped as its parameter. A structured {@link Granularity} reduces a group's
     * entry scores with a {@link Norm}; unstructured pruning and N:M use them as they are, signs included.
     */
    record PerEntry(Map<String, Tensor> values) implements Scores {
        public PerEntry {
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }
    }

    /** One score per group of {@code granularity}, in the order of {@link Groups}. */
    record PerGroup(Granularity granularity, Map<String, double[]> values) implements Scores {
        public PerGroup {
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }
    }
}
