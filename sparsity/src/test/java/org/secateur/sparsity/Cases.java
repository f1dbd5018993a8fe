package org.secateur.sparsity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secateur.nn.Parameter;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;

/**
 * Random granularities with weight shapes they fit, and each granularity's grouping written out independently of
 * {@link Groups}: the index arithmetic a reader can check against the definition.
 */
final class Cases {
    private Cases() {}

    record Case(Granularity granularity, int[] shape) {
        @Override
        public String toString() {
            return granularity + " on " + Shape.str(shape);
        }
    }

    /** A granularity and a Linear or Conv2d weight shape it fits. */
    static Case random(Rng r) {
        boolean conv = r.nextInt(2) == 0;
        int k = 1 + r.nextInt(3);
        int out = 1 + r.nextInt(8);
        int in = 1 + r.nextInt(12);
        return switch (r.nextInt(8)) {
            case 0 -> new Case(Granularity.unstructured(), shape(conv, out, in, k));
            case 1 -> new Case(Granularity.rows(), shape(conv, out, in, k));
            case 2 -> new Case(Granularity.columns(), shape(conv, out, in, k));
            case 3 -> new Case(Granularity.kernel(), shape(true, out, in, k));
            case 4 -> new Case(Granularity.filter(), shape(conv, out, in, k));
            case 5 -> new Case(Granularity.channel(), shape(conv, out, in, k));
            case 6 -> {
                int br = 1 + r.nextInt(4);
                int bc = 1 + r.nextInt(4);
                yield new Case(Granularity.block(br, bc), shape(conv, br * (1 + r.nextInt(3)), bc * (1 + r.nextInt(4)), k));
            }
            default -> {
                int m = 1 + r.nextInt(8);
                int n = 1 + r.nextInt(m);
                yield new Case(Granularity.nm(n, m), shape(conv, out, m * (1 + r.nextInt(3)), k));
            }
        };
    }

    private static int[] shape(boolean conv, int out, int in, int k) {
        return conv ? new int[] {out, in, k, k} : new int[] {out, in};
    }

    /** The entries of each group, found from the definition: entries with equal keys belong together. */
    static List<List<Integer>> groups(Granularity g, int[] shape) {
        Map<Long, List<Integer>> byKey = new LinkedHashMap<>();
        for (int flat = 0, n = Shape.numel(shape); flat < n; flat++) {
            byKey.computeIfAbsent(key(g, shape, flat), x -> new ArrayList<>()).add(flat);
        }
        return List.copyOf(byKey.values());
    }

    private static long key(Granularity g, int[] shape, int flat) {
        int[] idx = unravel(flat, shape);
        int rowLength = Shape.numel(shape) / shape[0];
        return switch (g) {
            case Granularity.Unstructured u -> flat;
            case Granularity.Vector v -> {
                idx[v.axis() < 0 ? v.axis() + shape.length : v.axis()] = 0;
                yield ravel(idx, shape);
            }
            case Granularity.Kernel kernel -> (long) idx[0] * shape[1] + idx[1];
            case Granularity.Filter f -> idx[0];
            case Granularity.Channel c -> idx[1];
            case Granularity.Block b -> (long) (idx[0] / b.rows()) * rowLength + (flat % rowLength) / b.cols();
            case Granularity.NM nm -> {
                idx[1] -= idx[1] % nm.m();
                yield ravel(idx, shape);
            }
        };
    }

    private static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int a = shape.length - 1; a >= 0; a--) {
            idx[a] = flat % shape[a];
            flat /= shape[a];
        }
        return idx;
    }

    private static long ravel(int[] idx, int[] shape) {
        long flat = 0;
        for (int a = 0; a < shape.length; a++) {
            flat = flat * shape[a] + idx[a];
        }
        return flat;
    }

    /** A float64 parameter with standard normal values. */
    static Parameter parameter(Rng r, int[] shape) {
        return new Parameter(Tensor.normal(r.split(), 0, 1, DType.F64, shape));
    }

    /** Random scores: standard normal, or half of the time a few small integers so that ties abound. */
    static Tensor randomScores(Rng r, int[] shape) {
        Tensor t = Tensor.normal(r.split(), 0, 1, DType.F64, shape);
        if (r.nextInt(2) == 0) {
            int levels = 1 + r.nextInt(3);
            for (int i = 0; i < t.numel(); i++) {
                t.setFlat(i, r.nextInt(levels) - 1);
            }
        }
        return t;
    }

    /** Scores for one parameter under its name. */
    static Scores.PerEntry scores(String name, Tensor t) {
        return new Scores.PerEntry(Map.of(name, t));
    }

    /** Number of groups all of whose entries are 0 in {@code mask}. */
    static int prunedGroups(List<List<Integer>> groups, Tensor mask) {
        int n = 0;
        for (List<Integer> group : groups) {
            n += group.stream().allMatch(e -> mask.getFlat(e) == 0) ? 1 : 0;
        }
        return n;
    }
}
