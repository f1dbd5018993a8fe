package org.secateur.sparsity;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.secateur.nn.Parameter;
import org.secateur.tensor.Tensor;

/**
 * Turns scores into masks. A new mask only ever removes entries from the parameter's current mask, so pruning
 * applied again (iteratively, or by a schedule) never revives a weight.
 */
final class MaskSelection {
    private MaskSelection() {}

    /**
     * One parameter in a selection.
     *
     * @param alive whether each group still has an unpruned entry
     * @param scores the score of each group
     */
    record Layer(String name, Parameter param, Groups groups, boolean[] alive, double[] scores) {

        /** Number of groups already fully pruned. */
        int pruned() {
            int n = 0;
            for (boolean a : alive) {
                n += a ? 0 : 1;
            }
            return n;
        }
    }

    /** Whether each group of {@code p} still has an unpruned entry. */
    static boolean[] alive(Parameter p, Groups groups) {
        boolean[] alive = new boolean[groups.count()];
        Tensor mask = p.mask();
        if (mask == null) {
            Arrays.fill(alive, true);
            return alive;
        }
        for (int g = 0; g < alive.length; g++) {
            for (int j = 0; j < groups.size() && !alive[g]; j++) {
                alive[g] = mask.getFlat(groups.member(g, j)) != 0;
            }
        }
        return alive;
    }

    /**
     * Masks pruning the lowest-scored groups across {@code layers} until {@code round(sparsity * n)} of their
     * {@code n} groups are pruned (groups already pruned count); ties are pruned in the order of the layers, then
     * of their groups.
     *
     * @param what names the layers in error messages
     */
    static Map<String, Tensor> pruneLowest(List<Layer> layers, double sparsity, String what) {
        long total = 0;
        long pruned = 0;
        for (Layer l : layers) {
            total += l.groups().count();
            pruned += l.pruned();
        }
        long target = (long) Math.rint(sparsity * total);
        if (sparsity > 0 && target >= total) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "sparsity %s of the %d groups of %s would prune all of them (round(%s * %d) = %d); expected a "
                            + "sparsity below %.4g", sparsity, total, what, sparsity, total, target, 1 - 0.5 / total));
        }
        int k = (int) Math.max(0, target - pruned);
        Map<String, Tensor> masks = new LinkedHashMap<>();
        if (k == 0) {
            layers.forEach(l -> masks.put(l.name(), currentMask(l.param())));
            return masks;
        }
        double[] candidates = new double[(int) (total - pruned)];
        int c = 0;
        for (Layer l : layers) {
            for (int g = 0; g < l.alive().length; g++) {
                if (l.alive()[g]) {
                    double s = l.scores()[g];
                    if (Double.isNaN(s)) {
                        throw new IllegalArgumentException("score NaN for group " + g + " of " + l.name());
                    }
                    candidates[c++] = s;
                }
            }
        }
        Selection.Threshold cut = Selection.lowest(candidates, k);
        int ties = cut.ties();
        for (Layer l : layers) {
            Tensor mask = currentMask(l.param());
            for (int g = 0; g < l.alive().length; g++) {
                if (!l.alive()[g]) {
                    continue;
                }
                double s = l.scores()[g];
                if (s < cut.value() || (s == cut.value() && ties-- > 0)) {
                    for (int j = 0; j < l.groups().size(); j++) {
                        mask.setFlat(l.groups().member(g, j), 0);
                    }
                }
            }
            masks.put(l.name(), mask);
        }
        return masks;
    }

    /**
     * The mask keeping, in every group, the {@code n} highest-scored unpruned entries (all of them when fewer are
     * left); among equal scores the later entry is kept.
     */
    static Tensor keepHighest(String name, Parameter p, Groups groups, double[] entryScores, int n) {
        Tensor mask = currentMask(p);
        int[] order = new int[groups.size()];
        for (int g = 0; g < groups.count(); g++) {
            int alive = 0;
            for (int j = 0; j < groups.size(); j++) {
                int e = groups.member(g, j);
                if (Double.isNaN(entryScores[e])) {
                    throw new IllegalArgumentException("score NaN at flat index " + e + " of " + name);
                }
                if (mask.getFlat(e) != 0) {
                    // insertion sort by (score, index): groups are small
                    int at = alive++;
                    while (at > 0 && entryScores[order[at - 1]] > entryScores[e]) {
                        order[at] = order[at - 1];
                        at--;
                    }
                    order[at] = e;
                }
            }
            for (int i = 0; i < alive - n; i++) {
                mask.setFlat(order[i], 0);
            }
        }
        return mask;
    }

    /** A fresh copy of {@code p}'s mask, or all ones. */
    private static Tensor currentMask(Parameter p) {
        return p.mask() == null ? Tensor.ones(p.dtype(), p.shape()) : p.mask().copy();
    }
}
