package org.secateur.sparsity.secondorder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.secateur.linalg.Damping;
import org.secateur.linalg.Spd;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.sparsity.Loss;
import org.secateur.sparsity.Minibatch;
import org.secateur.sparsity.Scores;

/**
 * WoodFisher (Singh &amp; Alistarh 2020, "WoodFisher: Efficient Second-Order Approximation for Neural Network
 * Compression"): one-shot OBS with a block-diagonal curvature, by default the empirical Fisher {@code F = lambda I
 * + (1/N) sum g g^T} (eq. 3) inverted block by block with Woodbury updates (eq. 5; {@link EmpiricalFisher}). The
 * blocks are consecutive runs within each parameter (the rows of a weight, {@link #perRow()}, or a fixed size,
 * {@link #blocks}: the paper's {@code fittable_params}), so memory stays bounded: the block inverses computed for
 * the statistics are kept for the updates up to {@link #KEPT_INVERSES_BYTES}, and recomputed beyond. As the paper's
 * global one-shot pruning ({@code --woodburry-joint-sparsify}): every unpruned weight gets its OBS statistic
 * {@code rho_q = w_q^2 / (2 [F_b^-1]_qq)} in its block (eq. 8), the lowest statistics across all blocks are pruned
 * to the target, and each block applies its update:
 * <ul>
 *   <li>{@link Update#INDEPENDENT}, the reference implementation's: the sum of the single-weight OBS updates
 *       {@code dw = -sum_q (w_q / [F^-1]_qq) F^-1 e_q}, the pruned weights then set to 0;</li>
 *   <li>{@link Update#JOINT}: the exact OBS update for removing the set {@code Q} at once (the paper's §3,
 *       "pruning multiple weights"), {@code dw = -F^-1 E_Q (E_Q^T F^-1 E_Q)^-1 E_Q^T w}, the least-squares optimum
 *       of the block's quadratic model given the mask;</li>
 *   <li>{@link Update#NONE}: the weights are only masked (OBD-like use of the statistics).</li>
 * </ul>
 * Another curvature ({@code Curvature::gaussNewton}, {@code Curvature::hessian}) gives block OBS with exact blocks,
 * one product per entry. Objectives of one example per batch ({@link EmpiricalFisher#examples}) give the per-example
 * Fisher of the paper's MNIST experiments ({@code fisher_mini_bsz = 1}).
 *
 * <pre>{@code
 * WoodFisherResult r = WoodFisher.perRow().withDamping(Damping.absolute(1e-5))
 *         .prune(model, weights, EmpiricalFisher.examples(fisherBatches), Losses::crossEntropy, 0.95);
 * }</pre>
 *
 * @param blockSize entries per block, or 0 for the rows of each parameter ({@code numel / shape[0]})
 */
public record WoodFisher(Function<Objective, ? extends Curvature> curvature, int blockSize, Damping damping,
                         Update update) {

    /** How a block's surviving weights are updated for the ones pruned in it. */
    public enum Update { INDEPENDENT, JOINT, NONE }

    /** Memory for block inverses kept between the statistics and the updates (256 MiB). */
    public static final long KEPT_INVERSES_BYTES = 256L << 20;

    /** The WoodFisher repository's damping for its MNIST experiments. */
    public static final Damping DEFAULT_DAMPING = Damping.absolute(1e-5);

    public WoodFisher {
        if (blockSize < 0) {
            throw new IllegalArgumentException("blockSize = " + blockSize + ", expected >= 1, or 0 for rows");
        }
    }

    /** Empirical-Fisher blocks of one row of each parameter, independent updates, the repository's damping. */
    public static WoodFisher perRow() {
        return new WoodFisher(EmpiricalFisher::of, 0, DEFAULT_DAMPING, Update.INDEPENDENT);
    }

    /** Empirical-Fisher blocks of {@code size} consecutive entries of each parameter. */
    public static WoodFisher blocks(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("block size = " + size + ", expected >= 1");
        }
        return new WoodFisher(EmpiricalFisher::of, size, DEFAULT_DAMPING, Update.INDEPENDENT);
    }

    public WoodFisher withCurvature(Function<Objective, ? extends Curvature> c) {
        return new WoodFisher(c, blockSize, damping, update);
    }

    public WoodFisher withDamping(Damping d) {
        return new WoodFisher(curvature, blockSize, d, update);
    }

    public WoodFisher withUpdate(Update u) {
        return new WoodFisher(curvature, blockSize, damping, u);
    }

    /** Prunes {@code params} to {@code sparsity}, the curvature taken of {@code loss} over {@code batches}. */
    public WoodFisherResult prune(Module model, Map<String, Parameter> params, Iterable<Minibatch> batches, Loss loss,
                                  double sparsity) {
        return prune(Objective.of(model, params, batches, loss), sparsity);
    }

    /**
     * Prunes the parameters of {@code objective} to {@code sparsity} of all their entries (counting those pruned
     * before, rounded half to even; none more if they already reach it), writing the updated weights and the masks.
     */
    public WoodFisherResult prune(Objective objective, double sparsity) {
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("sparsity = " + sparsity + ": expected a fraction in [0, 1)");
        }
        ParameterVector params = objective.params();
        Curvature c = curvature.apply(objective);
        double[] w = params.values();
        boolean[] alive = params.alive();
        int[][] blocks = blocks(params, alive);
        double[] statistic = new double[w.length];
        // an exact curvature costs one product per entry for each inverse: keep them for the updates, within a bound
        double[][] kept = new double[blocks.length][];
        long keptBytes = 0;
        for (int b = 0; b < blocks.length; b++) {
            int[] block = blocks[b];
            double[] hInv = c.inverse(block, damping);
            if (keptBytes + 8L * hInv.length <= KEPT_INVERSES_BYTES) {
                kept[b] = hInv;
                keptBytes += 8L * hInv.length;
            }
            for (int i = 0; i < block.length; i++) {
                double wq = w[block[i]];
                statistic[block[i]] = wq * wq / (2 * hInv[i * block.length + i]);
            }
        }
        int[] candidates = ParameterVector.indicesOf(alive);
        int target = (int) Math.rint(sparsity * w.length) - (w.length - candidates.length);
        boolean[] pruneNow = new boolean[w.length];
        for (int e : Ranking.lowest(statistic, candidates, target)) {
            pruneNow[e] = true;
        }
        double predicted = 0;
        for (int b = 0; b < blocks.length; b++) {
            predicted += update(c, blocks[b], kept[b], w, pruneNow);
            kept[b] = null;
        }
        int pruned = 0;
        for (int e = 0; e < w.length; e++) {
            if (pruneNow[e]) {
                alive[e] = false;
                pruned++;
            }
        }
        params.assign(w, alive);
        return new WoodFisherResult(new Scores.PerEntry(params.named(statistic)), predicted, pruned);
    }

    /**
     * Applies the block's update for its entries in {@code pruneNow} to {@code w}; returns the quadratic model's
     * increase {@code 1/2 dw^T (C_b + lambda I) dw} for the whole change {@code dw} of the block.
     */
    private double update(Curvature c, int[] block, double[] keptInverse, double[] w, boolean[] pruneNow) {
        int m = block.length;
        int[] q = IntStream.range(0, m).filter(i -> pruneNow[block[i]]).toArray();
        if (q.length == 0) {
            return 0;
        }
        double[] before = new double[m];
        for (int i = 0; i < m; i++) {
            before[i] = w[block[i]];
        }
        if (update != Update.NONE) {
            double[] hInv = keptInverse != null ? keptInverse : c.inverse(block, damping);
            double[] a = new double[q.length];
            if (update == Update.INDEPENDENT) {
                for (int k = 0; k < q.length; k++) {
                    a[k] = before[q[k]] / hInv[q[k] * m + q[k]];
                }
            } else {
                double[] hInvQq = new double[q.length * q.length];
                double[] wq = new double[q.length];
                for (int k = 0; k < q.length; k++) {
                    wq[k] = before[q[k]];
                    for (int l = 0; l < q.length; l++) {
                        hInvQq[k * q.length + l] = hInv[q[k] * m + q[l]];
                    }
                }
                a = Spd.solve(hInvQq, q.length, wq, 1);
            }
            for (int i = 0; i < m; i++) {
                double dw = 0;
                for (int k = 0; k < q.length; k++) {
                    dw += hInv[i * m + q[k]] * a[k];
                }
                w[block[i]] -= dw;
            }
        }
        for (int k : q) {
            w[block[k]] = 0;
        }
        // 1/2 dw^T (C_b + lambda I) dw, with C_b dw as one product of the change spread over the whole vector
        double[] change = new double[c.size()];
        for (int i = 0; i < m; i++) {
            change[block[i]] = w[block[i]] - before[i];
        }
        double[] cChange = c.times(change);
        double lambda = damping.relative() ? damping.amount() * mean(c.diagonal(block)) : damping.amount();
        double s = 0;
        for (int e : block) {
            s += change[e] * (cChange[e] + lambda * change[e]);
        }
        return 0.5 * s;
    }

    private static double mean(double[] d) {
        double s = 0;
        for (double x : d) {
            s += x;
        }
        return s / d.length;
    }

    /** The unpruned entries of each block: runs of {@code blockSize} (or of a row) within each parameter. */
    private int[][] blocks(ParameterVector params, boolean[] alive) {
        List<int[]> out = new ArrayList<>();
        int i = 0;
        for (Parameter p : params.parameters().values()) {
            int start = params.offset(i++);
            int size = blockSize > 0 ? blockSize : p.numel() / p.shape()[0];
            for (int from = 0; from < p.numel(); from += size) {
                int to = Math.min(p.numel(), from + size);
                int[] block = IntStream.range(start + from, start + to).filter(e -> alive[e]).toArray();
                if (block.length > 0) {
                    out.add(block);
                }
            }
        }
        return out.toArray(int[][]::new);
    }
}
