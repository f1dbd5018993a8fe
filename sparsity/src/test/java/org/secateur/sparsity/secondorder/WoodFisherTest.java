package org.secateur.sparsity.secondorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.secateur.linalg.Damping;
import org.secateur.linalg.Spd;
import org.secateur.nn.Losses;
import org.secateur.nn.Parameter;
import org.secateur.sparsity.Minibatch;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

/**
 * WoodFisher on a small net with per-example gradients: its statistics are the OBS errors in the damped Fisher
 * block of each weight, computed here by a direct inverse; it prunes the lowest of them across blocks to the exact
 * target; the joint update solves the block's normal equations and the independent one is the sum of single OBS
 * updates.
 */
class WoodFisherTest {

    private record Case(SmallNet net, Map<String, Parameter> weights, List<Minibatch> examples, double[] w,
                        double[][] g, int[][] blocks) {}

    /** A net, its two weights (biases left out), per-example batches, and the weights' rows as blocks. */
    private static Case random(Rng r) {
        SmallNet net = new SmallNet(r, 2 + r.nextInt(3), 2 + r.nextInt(3), 2 + r.nextInt(2));
        Map<String, Parameter> weights = new java.util.LinkedHashMap<>();
        weights.put("0.weight", net.fc1.weight);
        weights.put("2.weight", net.fc2.weight);
        if (r.nextInt(2) == 0) {
            Masks.random(net.fc1.weight, r);
        }
        List<Minibatch> examples = EmpiricalFisher.examples(SmallNet.batches(r, 2, 3 + r.nextInt(4), net.in, net.out));
        Objective o = Objective.of(net.model, weights, examples, Losses::crossEntropy);
        List<int[]> blocks = new ArrayList<>();
        boolean[] alive = o.params().alive();
        for (int row = 0; row < net.hidden; row++) {
            blocks.add(aliveRange(alive, row * net.in, net.in));
        }
        int offset = net.hidden * net.in;
        for (int row = 0; row < net.out; row++) {
            blocks.add(aliveRange(alive, offset + row * net.hidden, net.hidden));
        }
        return new Case(net, weights, examples, o.params().values(), o.batchGradients(), blocks.toArray(int[][]::new));
    }

    private static int[] aliveRange(boolean[] alive, int from, int length) {
        return java.util.stream.IntStream.range(from, from + length).filter(e -> alive[e]).toArray();
    }

    /** {@code lambda I + (1/N) sum g g^T} over a block, directly. */
    private static double[] dampedFisher(double[][] g, int[] block, double lambda) {
        int m = block.length;
        double[] f = new double[m * m];
        for (double[] gk : g) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    f[i * m + j] += gk[block[i]] * gk[block[j]] / g.length;
                }
            }
        }
        for (int i = 0; i < m; i++) {
            f[i * m + i] += lambda;
        }
        return f;
    }

    @Test
    void itPrunesTheLowestBlockObsStatisticsToTheTargetAndUpdatesJointlyByTheNormalEquations() {
        qt().withExamples(15).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            Case c = random(r);
            double lambda = 1e-3 + 0.1 * r.nextDouble();
            double sparsity = 0.3 + 0.5 * r.nextDouble();
            boolean[] aliveBefore = ParameterVector.of(c.weights()).alive();
            WoodFisherResult result = WoodFisher.perRow().withDamping(Damping.absolute(lambda))
                    .withUpdate(WoodFisher.Update.JOINT)
                    .prune(c.net().model, c.weights(), c.examples(), Losses::crossEntropy, sparsity);
            ParameterVector params = ParameterVector.of(c.weights());
            double[] stat = params.flatten(result.statistics().values().values().toArray(Tensor[]::new));
            double[] after = params.values();
            boolean[] alive = params.alive();
            // a random mask may already exceed the target, and then nothing more is pruned
            int prunedBefore = ParameterVector.indicesOf(Quadratic.not(aliveBefore)).length;
            assertThat(ParameterVector.indicesOf(Quadratic.not(alive)))
                    .hasSize(Math.max((int) Math.rint(sparsity * after.length), prunedBefore));
            double prunedMax = Double.NEGATIVE_INFINITY;
            double keptMin = Double.POSITIVE_INFINITY;
            double predicted = 0;
            for (int[] block : c.blocks()) {
                int m = block.length;
                double[] f = dampedFisher(c.g(), block, lambda);
                double[] fInv = Spd.inverse(f, m);
                double[] change = new double[m];
                List<Integer> q = new ArrayList<>();
                for (int i = 0; i < m; i++) {
                    int e = block[i];
                    assertThat(stat[e]).isCloseTo(c.w()[e] * c.w()[e] / (2 * fInv[i * m + i]),
                            within(1e-10 * (1 + stat[e])));
                    change[i] = after[e] - c.w()[e];
                    if (alive[e]) {
                        keptMin = Math.min(keptMin, stat[e]);
                    } else {
                        prunedMax = Math.max(prunedMax, stat[e]);
                        q.add(i);
                        assertThat(after[e]).isZero();
                    }
                }
                // normal equations on the survivors: ((F + lambda I) dw)_S = 0
                double quadratic = 0;
                for (int i = 0; i < m; i++) {
                    double fi = 0;
                    for (int j = 0; j < m; j++) {
                        fi += f[i * m + j] * change[j];
                    }
                    quadratic += change[i] * fi;
                    if (alive[block[i]]) {
                        assertThat(Math.abs(fi)).isLessThan(1e-9 * (1 + TestMatrices.maxAbs(f)));
                    }
                }
                predicted += 0.5 * quadratic;
            }
            for (int e = 0; e < aliveBefore.length; e++) {
                if (!aliveBefore[e]) {
                    assertThat(alive[e]).isFalse();
                }
            }
            assertThat(prunedMax).isLessThanOrEqualTo(keptMin);
            assertThat(result.predictedIncrease()).isCloseTo(predicted, within(1e-9 * (1 + predicted)));
        });
    }

    @Test
    void theIndependentUpdateIsTheSumOfSingleWeightObsUpdates() {
        Rng r = new Rng(12);
        Case c = random(r);
        double lambda = 0.01;
        WoodFisher.perRow().withDamping(Damping.absolute(lambda))
                .prune(c.net().model, c.weights(), c.examples(), Losses::crossEntropy, 0.5);
        ParameterVector params = ParameterVector.of(c.weights());
        double[] after = params.values();
        boolean[] alive = params.alive();
        for (int[] block : c.blocks()) {
            int m = block.length;
            double[] fInv = Spd.inverse(dampedFisher(c.g(), block, lambda), m);
            for (int i = 0; i < m; i++) {
                if (!alive[block[i]]) {
                    continue;
                }
                double expected = c.w()[block[i]];
                for (int k = 0; k < m; k++) {
                    if (!alive[block[k]] && c.w()[block[k]] != 0) {
                        expected -= c.w()[block[k]] / fInv[k * m + k] * fInv[i * m + k];
                    }
                }
                assertThat(after[block[i]]).isCloseTo(expected, within(1e-10 * (1 + Math.abs(expected))));
            }
        }
    }

    @Test
    void singleEntryBlocksGiveTheDampedDiagonalFisherSaliencyOfObd() {
        Rng r = new Rng(13);
        Case c = random(r);
        double lambda = 0.02;
        Obd obd = new Obd(c.examples(), Losses::crossEntropy, CurvatureDiagonal.exact(EmpiricalFisher::of));
        Map<String, Tensor> saliency = obd.scores(c.net().model, c.weights()).values();
        WoodFisherResult result = WoodFisher.blocks(1).withDamping(Damping.absolute(lambda))
                .withUpdate(WoodFisher.Update.NONE)
                .prune(c.net().model, c.weights(), c.examples(), Losses::crossEntropy, 0.4);
        for (String name : c.weights().keySet()) {
            Tensor s = saliency.get(name);
            Tensor rho = result.statistics().values().get(name);
            Tensor w = c.weights().get(name).data();
            for (int i = 0; i < s.numel(); i++) {
                // w^2 / (2 [(F_qq + lambda)^-1]) = 1/2 (F_qq + lambda) w^2 = OBD's 1/2 F_qq w^2 + 1/2 lambda w^2
                double wi = weightBefore(c, name, i);
                double expected = s.getFlat(i) + 0.5 * lambda * wi * wi;
                assertThat(rho.getFlat(i)).isCloseTo(expected, within(1e-12));
            }
            for (int i = 0; i < w.numel(); i++) {
                double before = weightBefore(c, name, i);
                double after = c.weights().get(name).value().getFlat(i);
                assertThat(after == 0 || after == before).as("no update, only masking").isTrue();
            }
        }
    }

    private static double weightBefore(Case c, String name, int i) {
        int offset = name.equals("0.weight") ? 0 : c.net().hidden * c.net().in;
        return c.w()[offset + i];
    }

    /** Random pruning of about a third of a parameter, for cases with earlier masks. */
    private static final class Masks {
        static void random(Parameter p, Rng r) {
            double[] mask = new double[p.numel()];
            for (int e = 0; e < mask.length; e++) {
                mask[e] = r.nextInt(3) == 0 ? 0 : 1;
            }
            p.setMask(Tensor.of(mask, p.shape()));
        }
    }
}
