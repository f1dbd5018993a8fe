package org.secateur.sparsity.secondorder;

import java.util.Arrays;

/** The lowest of some scores, with ties broken towards the earlier index: how every selection here is made. */
final class Ranking {
    private Ranking() {}

    /** The {@code k} (at most all) candidates of lowest score, in ascending order of (score, index). */
    static int[] lowest(double[] scores, int[] candidates, int k) {
        Integer[] order = Arrays.stream(candidates).boxed().toArray(Integer[]::new);
        Arrays.sort(order, (x, y) -> scores[x] != scores[y] ? Double.compare(scores[x], scores[y])
                : Integer.compare(x, y));
        int[] out = new int[Math.max(0, Math.min(k, order.length))];
        for (int i = 0; i < out.length; i++) {
            out[i] = order[i];
        }
        return out;
    }
}
