package org.secateur.sparsity.criteria;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.secateur.nn.Conv2d;
import org.secateur.nn.Losses;
import org.secateur.nn.Parameter;
import org.secateur.nn.Sequential;
import org.secateur.sparsity.Granularity;
import org.secateur.sparsity.Minibatch;
import org.secateur.sparsity.Pruning;
import org.secateur.sparsity.Scores;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

/** Gradient, Taylor and feature-map Taylor scores equal their formulas computed by hand on small nets. */
class TaylorTest {

    @Test
    void taylorAndGradientScoresAreAbsGwAndAbsGComputedByHand() {
        qt().withExamples(20).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            TwoLayerNet net = new TwoLayerNet(r, 1 + r.nextInt(5), 1 + r.nextInt(6), 2 + r.nextInt(3));
            List<Minibatch> batches = TwoLayerNet.batches(r, 1 + r.nextInt(3), 1 + r.nextInt(6), net.in, net.out);
            Map<String, Parameter> weights = Pruning.prunableWeights(net.model);
            if (r.nextInt(2) == 0) {
                Pruning.randomUnstructured(net.fc1.weight, 0.5, r.split());
            }
            double[] g1 = new double[net.hidden * net.in];
            double[] g2 = new double[net.out * net.hidden];
            for (Minibatch b : batches) {
                TwoLayerNet.Pass pass = net.pass(b);
                for (int i = 0; i < g1.length; i++) {
                    g1[i] += pass.gW1()[i] / batches.size();
                }
                for (int i = 0; i < g2.length; i++) {
                    g2[i] += pass.gW2()[i] / batches.size();
                }
            }
            Map<String, Tensor> taylor = new Taylor(batches, Losses::crossEntropy).scores(net.model, weights).values();
            Map<String, Tensor> gradient = new GradientMagnitude(batches, Losses::crossEntropy)
                    .scores(net.model, weights).values();
            double[] w1 = net.fc1.weight.value().toDoubleArray();
            double[] w2 = net.fc2.weight.value().toDoubleArray();
            for (int i = 0; i < g1.length; i++) {
                // a pruned weight gets no gradient through w * mask
                double g = net.fc1.weight.isMasked() && net.fc1.weight.mask().getFlat(i) == 0 ? 0 : g1[i];
                assertThat(taylor.get("0.weight").getFlat(i)).isCloseTo(Math.abs(g * w1[i]), tolerance(g * w1[i]));
                assertThat(gradient.get("0.weight").getFlat(i)).isCloseTo(Math.abs(g), tolerance(g));
            }
            for (int i = 0; i < g2.length; i++) {
                assertThat(taylor.get("2.weight").getFlat(i)).isCloseTo(Math.abs(g2[i] * w2[i]), tolerance(g2[i] * w2[i]));
                assertThat(gradient.get("2.weight").getFlat(i)).isCloseTo(Math.abs(g2[i]), tolerance(g2[i]));
            }
        });
    }

    @Test
    void featureMapTaylorIsTheMeanOverExamplesOfAbsGradTimesActivationByHand() {
        qt().withExamples(20).forAll(Generators.seeds()).checkAssert(seed -> {
            Rng r = new Rng(seed);
            TwoLayerNet net = new TwoLayerNet(r, 1 + r.nextInt(5), 1 + r.nextInt(6), 2 + r.nextInt(3));
            List<Minibatch> batches = TwoLayerNet.batches(r, 1 + r.nextInt(3), 1 + r.nextInt(6), net.in, net.out);
            double[] theta1 = new double[net.hidden];
            double[] theta2 = new double[net.out];
            for (Minibatch b : batches) {
                TwoLayerNet.Pass pass = net.pass(b);
                for (int t = 0; t < b.labels().length; t++) {
                    // dPre and dLogits carry the 1/N of the batch mean: summing over examples averages the criterion
                    for (int j = 0; j < net.hidden; j++) {
                        theta1[j] += Math.abs(pass.dPre()[t][j] * pass.pre()[t][j]) / batches.size();
                    }
                    for (int k = 0; k < net.out; k++) {
                        theta2[k] += Math.abs(pass.dLogits()[t][k] * pass.logits()[t][k]) / batches.size();
                    }
                }
            }
            Map<String, Parameter> weights = Pruning.prunableWeights(net.model);
            Scores.PerGroup raw = new FeatureMapTaylor(batches, Losses::crossEntropy, false).scores(net.model, weights);
            assertThat(raw.granularity()).isEqualTo(Granularity.filter());
            assertClose(raw.values().get("0.weight"), theta1);
            assertClose(raw.values().get("2.weight"), theta2);
            double[] normalised = new FeatureMapTaylor(batches, Losses::crossEntropy).scores(net.model, weights)
                    .values().get("0.weight");
            double norm = Math.sqrt(Arrays.stream(theta1).map(v -> v * v).sum());
            for (int j = 0; j < net.hidden; j++) {
                assertThat(normalised[j]).isCloseTo(norm == 0 ? 0 : theta1[j] / norm, tolerance(1));
            }
        });
    }

    @Test
    void featureMapTaylorAveragesOverTheSpatialPositionsOfAConvFeatureMap() {
        Rng r = new Rng(11);
        Conv2d conv = new Conv2d(2, 3, 3, 1, 1, 1, 1, true, r.split());
        Sequential model = new Sequential(conv);
        model.to(DType.F64);
        double[] c = {0.5, -2, 3};
        Tensor weightsPerChannel = Tensor.of(c.clone(), 1, 3, 1, 1);
        Minibatch b = new Minibatch(Tensor.normal(r.split(), 0, 1, DType.F64, 4, 2, 5, 5), new int[4]);
        // a loss linear in the output: dL/dz = c_k at every position of channel k
        double[] theta = new FeatureMapTaylor(List.of(b), (out, labels) -> out.mul(weightsPerChannel).sum(), false)
                .scores(model, Map.of("0.weight", conv.weight)).values().get("0.weight");
        Tensor z = model.apply(b.inputs());
        for (int k = 0; k < 3; k++) {
            double expected = 0;
            for (int t = 0; t < 4; t++) {
                double mean = 0;
                for (int m = 0; m < 25; m++) {
                    mean += z.getFlat((t * 3 + k) * 25 + m) / 25;
                }
                expected += Math.abs(c[k] * mean);
            }
            assertThat(theta[k]).isCloseTo(expected, tolerance(expected));
        }
    }

    private static void assertClose(double[] actual, double[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("entry %d", i).isCloseTo(expected[i], tolerance(expected[i]));
        }
    }

    private static Offset<Double> tolerance(double v) {
        return Offset.offset(1e-12 * Math.max(1, Math.abs(v)));
    }
}
