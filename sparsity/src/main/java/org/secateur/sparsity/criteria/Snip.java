package org.secateur.sparsity.criteria;

import java.util.LinkedHashMap;
import java.util.Map;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.sparsity.Criterion;
import org.secateur.sparsity.Loss;
import org.secateur.sparsity.Minibatch;
import org.secateur.sparsity.Scores;
import org.secateur.tensor.Tensor;

/**
 * SNIP's connection sensitivity (Lee, Ajanthan &amp; Torr 2019, "SNIP: Single-shot Network Pruning based on
 * Connection Sensitivity", eq. 6): {@code s_j = |g_j| / sum_k |g_k|} with {@code g_j = dL(c * w)/dc_j} at
 * {@code c = 1}, that is {@code g_j = dL/dw_j * w_j}: the {@link Taylor} score normalised over all scored
 * parameters, meant for one batch at initialisation. The normalisation makes it invariant to the loss's scale.
 */
public final class Snip implements Criterion {
    private final Taylor sensitivity;

    /** Scores with {@code loss} over {@code batches} (one batch of 100 in the paper). */
    public Snip(Iterable<Minibatch> batches, Loss loss) {
        this.sensitivity = new Taylor(batches, loss);
    }

    @Override
    public Scores.PerEntry scores(Module model, Map<String, Parameter> params) {
        Map<String, Tensor> raw = sensitivity.scores(model, params).values();
        double total = 0;
        for (Tensor s : raw.values()) {
            for (int i = 0, n = s.numel(); i < n; i++) {
                total += s.getFlat(i);
            }
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("SNIP: every connection sensitivity |dL/dw * w| is " + total
                    + " on the given batches; the loss does not depend on the scored weights");
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : raw.entrySet()) {
            Tensor s = e.getValue().copy();
            out.put(e.getKey(), s.scaleInPlace(1 / total));
        }
        return new Scores.PerEntry(out);
    }
}
