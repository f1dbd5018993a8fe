package org.secateur.sparsity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.secateur.nn.Parameter;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

/**
 * Every granularity's mask has exactly the requested sparsity (k = round(s * groups), half to even) and the
 * promised structure, and prunes the lowest-scored groups; N:M keeps exactly N per group of M.
 */
class GranularityTest {

    @Test
    void groupsPartitionTheWeightAsDefined() {
        qt().withExamples(300).forAll(Generators.seeds()).checkAssert(seed -> {
            Cases.Case c = Cases.random(new Rng(seed));
            Groups groups = c.granularity().groups(c.shape());
            List<List<Integer>> expected = Cases.groups(c.granularity(), c.shape());
            assertThat(groups.count()).as("%s", c).isEqualTo(expected.size());
            for (int g = 0; g < groups.count(); g++) {
                for (int j = 0; j < groups.size(); j++) {
                    assertThat(groups.member(g, j)).as("%s group %d entry %d", c, g, j).isEqualTo(expected.get(g).get(j));
                }
            }
        });
    }

    @Test
    void masksHaveTheExactSparsityAndStructureAndPruneTheLowestGroups() {
        qt().withExamples(300).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            Cases.Case c = Cases.random(r);
            Parameter p = Cases.parameter(r, c.shape());
            Tensor scores = Cases.randomScores(r, c.shape());
            List<List<Integer>> groups = Cases.groups(c.granularity(), c.shape());
            int count = groups.size();
            double s = c.granularity() instanceof Granularity.NM nm ? nm.sparsity() : r.nextDouble() * (count - 0.5) / count;
            Norm norm = new Norm(1 + r.nextInt(3));
            Tensor mask = Pruner.layerWise(s).withGranularity(c.granularity()).withNorm(norm)
                    .computeMasks(Map.of("w", p), Cases.scores("w", scores)).get("w");

            assertThat(c.granularity().admits(mask)).as("%s structure", c).isTrue();
            if (c.granularity() instanceof Granularity.NM nm) {
                for (List<Integer> group : groups) {
                    long ones = group.stream().filter(e -> mask.getFlat(e) != 0).count();
                    assertThat(ones).as("%s ones per group", c).isEqualTo(nm.n());
                    for (int kept : group) {
                        for (int pruned : group) {
                            if (mask.getFlat(kept) != 0 && mask.getFlat(pruned) == 0) {
                                assertThat(scores.getFlat(kept)).isGreaterThanOrEqualTo(scores.getFlat(pruned));
                            }
                        }
                    }
                }
                return;
            }
            for (List<Integer> group : groups) {
                assertThat(group.stream().map(mask::getFlat).distinct().count()).as("%s: one value per group", c).isOne();
            }
            assertThat(Cases.prunedGroups(groups, mask)).as("%s at %s", c, s).isEqualTo((int) Math.rint(s * count));
            assertLowestPruned(c, norm, scores, groups, Tensor.ones(DType.F64, c.shape()), mask);
        });
    }

    @Test
    void applyingAgainNeverRevivesAnEntry() {
        qt().withExamples(200).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            Cases.Case first = Cases.random(r);
            // the second pass may use another granularity that fits the same shape, or the same one
            Cases.Case second = r.nextInt(2) == 0 ? first : new Cases.Case(Granularity.unstructured(), first.shape());
            Parameter p = Cases.parameter(r, first.shape());
            for (Cases.Case c : List.of(first, second, first)) {
                int count = c.granularity().groups(c.shape()).count();
                double s = c.granularity() instanceof Granularity.NM nm ? nm.sparsity()
                        : r.nextDouble() * (count - 0.5) / count;
                Tensor before = p.mask() == null ? Tensor.ones(DType.F64, c.shape()) : p.mask().copy();
                Tensor scores = Cases.randomScores(r, c.shape());
                Norm norm = new Norm(1 + r.nextInt(3));
                Pruner.layerWise(s).withGranularity(c.granularity()).withNorm(norm)
                        .prune(Map.of("w", p), Cases.scores("w", scores));
                List<List<Integer>> groups = Cases.groups(c.granularity(), c.shape());
                for (int i = 0; i < p.numel(); i++) {
                    if (before.getFlat(i) == 0) {
                        assertThat(p.mask().getFlat(i)).as("%s revived entry %d", c, i).isZero();
                    }
                }
                if (!(c.granularity() instanceof Granularity.NM)) {
                    int target = (int) Math.rint(s * count);
                    assertThat(Cases.prunedGroups(groups, p.mask())).as("%s at %s", c, s)
                            .isEqualTo(Math.max(target, Cases.prunedGroups(groups, before)));
                    assertLowestPruned(c, norm, scores, groups, before, p.mask());
                }
            }
        });
    }

    @Test
    void nmKeepsExactlyNInEveryGroupOfMConsecutiveInputs() {
        Parameter w = new Parameter(Tensor.of(new double[] {
                1, -5, 3, 2, /* */ 0.5, 0.1, -0.2, 9,
                4, 4, 4, 4, /* */ -1, -2, -3, -4}, 2, 8));
        Map<String, Tensor> masks = Pruner.layerWise(0.5).withGranularity(Granularity.nm(2, 4))
                .computeMasks(Map.of("w", w), new Scores.PerEntry(Map.of("w", w.data().abs())));
        // ties (the row of 4s) keep the later entries
        assertThat(masks.get("w").toDoubleArray()).containsExactly(
                0, 1, 1, 0, 1, 0, 0, 1,
                0, 0, 1, 1, 0, 0, 1, 1);
    }

    /**
     * Among the groups alive in {@code before}, the ones {@code after} prunes score no higher than the ones it keeps,
     * a group's score being the norm of its entries alive in {@code before}; and equal scores are pruned in order.
     */
    private static void assertLowestPruned(Cases.Case c, Norm norm, Tensor scores, List<List<Integer>> groups,
                                           Tensor before, Tensor after) {
        double maxPruned = Double.NEGATIVE_INFINITY;
        double minKept = Double.POSITIVE_INFINITY;
        int firstKeptAtMax = Integer.MAX_VALUE;
        int lastPrunedAtMin = -1;
        for (int g = 0; g < groups.size(); g++) {
            List<Integer> group = groups.get(g);
            if (group.stream().allMatch(e -> before.getFlat(e) == 0)) {
                continue;
            }
            double score = groupScore(c.granularity(), norm, scores, group, before);
            if (after.getFlat(group.get(0)) == 0 && group.stream().allMatch(e -> after.getFlat(e) == 0)) {
                maxPruned = Math.max(maxPruned, score);
            } else {
                minKept = Math.min(minKept, score);
            }
        }
        assertThat(maxPruned).as("%s: the pruned groups score lowest", c).isLessThanOrEqualTo(minKept);
        if (maxPruned == minKept) {
            // a tie across the cut: every pruned group at that score comes before every kept one
            for (int g = 0; g < groups.size(); g++) {
                List<Integer> group = groups.get(g);
                if (group.stream().allMatch(e -> before.getFlat(e) == 0)
                        || groupScore(c.granularity(), norm, scores, group, before) != maxPruned) {
                    continue;
                }
                if (group.stream().allMatch(e -> after.getFlat(e) == 0)) {
                    lastPrunedAtMin = g;
                } else {
                    firstKeptAtMax = Math.min(firstKeptAtMax, g);
                }
            }
            assertThat(lastPrunedAtMin).as("%s: ties pruned in order", c).isLessThan(firstKeptAtMax);
        }
    }

    private static double groupScore(Granularity g, Norm norm, Tensor scores, List<Integer> group, Tensor alive) {
        if (g instanceof Granularity.Unstructured) {
            return scores.getFlat(group.get(0));
        }
        // the sum of |s|^p ranks groups as the norm does, and is exact for the integer scores that make ties
        double acc = 0;
        for (int e : group) {
            if (alive.getFlat(e) != 0) {
                double a = Math.abs(scores.getFlat(e));
                acc += norm.p() == 2 ? a * a : Math.pow(a, norm.p());
            }
        }
        return acc;
    }
}
