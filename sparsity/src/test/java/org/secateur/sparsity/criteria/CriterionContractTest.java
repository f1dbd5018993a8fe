package org.secateur.sparsity.criteria;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.secateur.nn.Losses;
import org.secateur.nn.Parameter;
import org.secateur.sparsity.Criterion;
import org.secateur.sparsity.Minibatch;
import org.secateur.sparsity.Pruning;
import org.secateur.sparsity.Scores;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/**
 * Every criterion leaves the model as it found it (values, masks, gradients, mode), scores every parameter it is
 * given, and gives a pruned entry no importance (except random scores, which do not look at the model).
 */
class CriterionContractTest {

    @TestFactory
    Stream<DynamicTest> criteriaOnlyReadTheModel() {
        Rng r = new Rng(51);
        TwoLayerNet net = new TwoLayerNet(r, 4, 6, 3);
        List<Minibatch> batches = TwoLayerNet.batches(r, 2, 5, 4, 3);
        Map<String, Criterion> criteria = new LinkedHashMap<>();
        criteria.put("random", new RandomScore(1));
        criteria.put("magnitude", new Magnitude());
        criteria.put("gradient", new GradientMagnitude(batches, Losses::crossEntropy));
        criteria.put("taylor", new Taylor(batches, Losses::crossEntropy));
        criteria.put("feature-map taylor", new FeatureMapTaylor(batches, Losses::crossEntropy));
        criteria.put("snip", new Snip(batches, Losses::crossEntropy));
        criteria.put("grasp", new Grasp(batches, Losses::crossEntropy));
        criteria.put("synflow", new SynFlow(4));
        return criteria.entrySet().stream().map(c -> DynamicTest.dynamicTest(c.getKey(), () -> {
            Map<String, Parameter> weights = Pruning.prunableWeights(net.model);
            Pruning.randomUnstructured(net.fc1.weight, 0.5, new Rng(2));
            net.model.train(false);
            Map<String, Tensor> before = copy(net.model.stateDict());
            Scores scores = c.getValue().scores(net.model, weights);
            Map<String, Tensor> after = net.model.stateDict();
            assertThat(after.keySet()).isEqualTo(before.keySet());
            before.forEach((name, t) -> assertThat(after.get(name).contentEquals(t)).as(name).isTrue());
            assertThat(net.model.parameters()).allMatch(p -> p.grad() == null);
            assertThat(net.model.isTraining()).isFalse();
            switch (scores) {
                case Scores.PerEntry pe -> {
                    assertThat(pe.values().keySet()).containsExactlyElementsOf(weights.keySet());
                    Tensor s = pe.values().get("0.weight");
                    if (!(c.getValue() instanceof RandomScore)) {
                        for (int i = 0; i < s.numel(); i++) {
                            if (net.fc1.weight.mask().getFlat(i) == 0) {
                                assertThat(s.getFlat(i)).as("pruned entry %d", i).isZero();
                            }
                        }
                    }
                }
                case Scores.PerGroup pg -> assertThat(pg.values().keySet()).containsExactlyElementsOf(weights.keySet());
            }
            Pruning.removeMasks(net.model);
        }));
    }

    private static Map<String, Tensor> copy(Map<String, Tensor> state) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((name, t) -> out.put(name, t.copy()));
        return out;
    }
}
