package org.secateur.sparsity.criteria;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.secateur.autograd.GradMode;
import org.secateur.nn.Losses;
import org.secateur.nn.Parameter;
import org.secateur.sparsity.Loss;
import org.secateur.sparsity.Minibatch;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

/** GraSP's exact H g agrees with central differences of the gradient along g; its score is w * Hg normalised. */
class GraspTest {

    @Test
    void hessianGradientProductEqualsCentralDifferencesOfTheGradientAlongIt() {
        qt().withExamples(15).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            TwoLayerNet net = new TwoLayerNet(r, 2 + r.nextInt(4), 2 + r.nextInt(5), 2 + r.nextInt(3));
            List<Minibatch> batches = TwoLayerNet.batches(r, 1 + r.nextInt(2), 2 + r.nextInt(6), net.in, net.out);
            Map<String, Parameter> params = net.model.namedParameters();
            Tensor[] leaves = LossGradients.leaves(params);
            double temperature = r.nextInt(2) == 0 ? Grasp.REFERENCE_TEMPERATURE : 1;
            Loss tempered = (out, y) -> Losses.crossEntropy(out.div(temperature), y);
            Tensor[] g = LossGradients.mean(net.model, leaves, batches, tempered);
            Tensor[] hg = new Grasp(batches, Losses::crossEntropy, temperature)
                    .hessianGradientProduct(net.model, params).values().toArray(Tensor[]::new);

            double gMax = 0;
            double hgMax = 0;
            for (int i = 0; i < g.length; i++) {
                gMax = Math.max(gMax, g[i].abs().max().item());
                hgMax = Math.max(hgMax, hg[i].abs().max().item());
            }
            // central differences are a reference only within one linear piece of the ReLUs: shrink the step
            // until no pre-activation changes sign between the two points (a random net can sit near a kink)
            double eps = 1e-4 / gMax;
            for (int tries = 0; tries < 4 && !onePiece(net, leaves, g, eps, batches); tries++) {
                eps /= 10;
            }
            if (!onePiece(net, leaves, g, eps, batches)) {
                return;                                     // a pre-activation at the kink itself: no reference
            }
            Tensor[] plus = gradientAt(net, leaves, g, eps, batches, tempered);
            Tensor[] minus = gradientAt(net, leaves, g, -eps, batches, tempered);
            for (int i = 0; i < g.length; i++) {
                for (int j = 0; j < g[i].numel(); j++) {
                    double numeric = (plus[i].getFlat(j) - minus[i].getFlat(j)) / (2 * eps);
                    assertThat(hg[i].getFlat(j)).as("leaf %d entry %d", i, j)
                            .isCloseTo(numeric, org.assertj.core.data.Offset.offset(1e-6 * hgMax));
                }
            }
        });
    }

    @Test
    void theScoreIsWeightTimesHgOverTheAbsoluteSumOfAllScores() {
        Rng r = new Rng(31);
        TwoLayerNet net = new TwoLayerNet(r, 4, 5, 3);
        List<Minibatch> batches = TwoLayerNet.batches(r, 2, 6, 4, 3);
        Map<String, Parameter> weights = org.secateur.sparsity.Pruning.prunableWeights(net.model);
        Grasp grasp = new Grasp(batches, Losses::crossEntropy);
        Map<String, Tensor> hg = grasp.hessianGradientProduct(net.model, weights);
        Map<String, Tensor> scores = grasp.scores(net.model, weights).values();
        double sum = 0;
        for (String name : weights.keySet()) {
            sum += weights.get(name).data().mul(hg.get(name)).sum().item();
        }
        double total = 0;
        for (String name : weights.keySet()) {
            Tensor expected = weights.get(name).data().mul(hg.get(name)).div(Math.abs(sum) + 1e-10);
            for (int i = 0; i < expected.numel(); i++) {
                assertThat(scores.get(name).getFlat(i)).isCloseTo(expected.getFlat(i),
                        org.assertj.core.data.Offset.offset(1e-12));
                total += scores.get(name).getFlat(i);
            }
        }
        // scores sum to +-1, but for the reference's 1e-10 in the normaliser (tempered gradients are small)
        assertThat(Math.abs(total)).isCloseTo(Math.abs(sum) / (Math.abs(sum) + 1e-10),
                org.assertj.core.data.Offset.offset(1e-9));
    }

    /** Whether every ReLU pre-activation has the same sign at {@code leaves +- eps * direction}. */
    private static boolean onePiece(TwoLayerNet net, Tensor[] leaves, Tensor[] direction, double eps,
                                    List<Minibatch> batches) {
        List<double[][]> plus = preActivationsAt(net, leaves, direction, eps, batches);
        List<double[][]> minus = preActivationsAt(net, leaves, direction, -eps, batches);
        for (int b = 0; b < plus.size(); b++) {
            for (int i = 0; i < plus.get(b).length; i++) {
                for (int j = 0; j < plus.get(b)[i].length; j++) {
                    if ((plus.get(b)[i][j] > 0) != (minus.get(b)[i][j] > 0)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static List<double[][]> preActivationsAt(TwoLayerNet net, Tensor[] leaves, Tensor[] direction,
                                                     double eps, List<Minibatch> batches) {
        try (var off = GradMode.noGrad()) {
            for (int i = 0; i < leaves.length; i++) {
                leaves[i].addInPlace(eps, direction[i]);
            }
            try {
                return batches.stream().map(b -> net.pass(b).pre()).toList();
            } finally {
                for (int i = 0; i < leaves.length; i++) {
                    leaves[i].addInPlace(-eps, direction[i]);
                }
            }
        }
    }

    /** The mean gradient with every leaf moved by {@code eps * direction}, then moved back. */
    private static Tensor[] gradientAt(TwoLayerNet net, Tensor[] leaves, Tensor[] direction, double eps,
                                       List<Minibatch> batches, Loss loss) {
        try (var off = GradMode.noGrad()) {
            for (int i = 0; i < leaves.length; i++) {
                leaves[i].addInPlace(eps, direction[i]);
            }
        }
        try {
            return LossGradients.mean(net.model, leaves, batches, loss);
        } finally {
            for (int i = 0; i < leaves.length; i++) {
                leaves[i].addInPlace(-eps, direction[i]);
            }
        }
    }
}
