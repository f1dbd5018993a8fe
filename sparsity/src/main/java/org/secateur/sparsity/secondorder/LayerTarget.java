package org.secateur.sparsity.secondorder;

import java.util.Arrays;
import org.secateur.sparsity.Granularity;
import org.secateur.sparsity.Groups;

/**
 * How much of a layer to prune: a fraction of the whole weight matrix ({@link PerLayer}; rows may end up unequal,
 * as OBC's global selection within a layer), the same fraction of every row ({@link PerRow}), or N:M ({@link NM},
 * N kept in every group of M consecutive inputs, the library's {@link Granularity.NM} groups). Fractions count the
 * weights pruned before and are rounded half to even, as {@link org.secateur.sparsity.Scope}.
 */
public sealed interface LayerTarget {

    /** {@code round(sparsity * rows * cols)} weights of the layer. */
    static PerLayer perLayer(double sparsity) {
        return new PerLayer(sparsity);
    }

    /** {@code round(sparsity * cols)} weights of each row. */
    static PerRow perRow(double sparsity) {
        return new PerRow(sparsity);
    }

    /** {@code n} kept in every group of {@code m}. */
    static NM nm(int n, int m) {
        return new NM(n, m);
    }

    record PerLayer(double sparsity) implements LayerTarget {
        public PerLayer {
            requireFraction(sparsity);
        }
    }

    record PerRow(double sparsity) implements LayerTarget {
        public PerRow {
            requireFraction(sparsity);
        }
    }

    record NM(int n, int m) implements LayerTarget {
        public NM {
            Granularity.nm(n, m);
        }

        /**
         * The columns of each N:M group of a weight of {@code shape}: M consecutive input channels at one kernel
         * position, as the library's {@link Granularity.NM} groups.
         */
        public int[][] columnGroups(int[] shape) {
            int[] row = shape.clone();
            row[0] = 1;
            Groups groups = Granularity.nm(n, m).groups(row);
            int[][] out = new int[groups.count()][m];
            for (int g = 0; g < out.length; g++) {
                for (int j = 0; j < m; j++) {
                    out[g][j] = groups.member(g, j);
                }
            }
            return out;
        }
    }

    /**
     * The mask this target gives {@code problem} when the lowest {@code scores} are pruned among the unpruned
     * weights: the weights of the problem's mask, narrowed. Among equal scores the earlier entry is pruned first.
     */
    default boolean[] select(LayerProblem problem, double[] scores) {
        boolean[] alive = problem.alive().clone();
        int rows = problem.rows();
        int cols = problem.cols();
        switch (this) {
            case PerLayer t -> pruneLowest(alive, scores, 0, rows * cols, count(t.sparsity(), rows * cols, alive, 0,
                    rows * cols));
            case PerRow t -> {
                for (int r = 0; r < rows; r++) {
                    pruneLowest(alive, scores, r * cols, cols, count(t.sparsity(), cols, alive, r * cols, cols));
                }
            }
            case NM t -> {
                int[][] groups = t.columnGroups(problem.shape());
                int[] members = new int[t.m()];
                for (int r = 0; r < rows; r++) {
                    for (int[] group : groups) {
                        for (int j = 0; j < members.length; j++) {
                            members[j] = r * cols + group[j];
                        }
                        pruneLowest(alive, scores, members, aliveCount(alive, members) - t.n());
                    }
                }
            }
        }
        return alive;
    }

    /** How many more of {@code length} entries from {@code from} to prune to reach {@code sparsity}. */
    private static int count(double sparsity, int total, boolean[] alive, int from, int length) {
        int pruned = 0;
        for (int e = from; e < from + length; e++) {
            pruned += alive[e] ? 0 : 1;
        }
        return (int) Math.max(0, Math.rint(sparsity * total) - pruned);
    }

    private static void pruneLowest(boolean[] alive, double[] scores, int from, int length, int k) {
        int[] members = new int[length];
        for (int i = 0; i < length; i++) {
            members[i] = from + i;
        }
        pruneLowest(alive, scores, members, k);
    }

    /** Prunes the {@code k} lowest-scored unpruned entries among {@code members} (ties: earlier first). */
    private static void pruneLowest(boolean[] alive, double[] scores, int[] members, int k) {
        int[] candidates = Arrays.stream(members).filter(e -> alive[e]).toArray();
        for (int e : Ranking.lowest(scores, candidates, k)) {
            alive[e] = false;
        }
    }

    private static int aliveCount(boolean[] alive, int[] members) {
        int n = 0;
        for (int e : members) {
            n += alive[e] ? 1 : 0;
        }
        return n;
    }

    private static void requireFraction(double s) {
        if (!(s >= 0 && s < 1)) {
            throw new IllegalArgumentException("sparsity = " + s + ": expected a fraction in [0, 1)");
        }
    }
}
