package org.secateur.sparsity.secondorder;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.secateur.nn.Losses;
import org.secateur.nn.Parameter;
import org.secateur.sparsity.Minibatch;
import org.secateur.sparsity.Pruning;
import org.secateur.sparsity.Scores;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/**
 * OBD keeps the criterion contract with every diagonal: the model is left as it was found (values, masks, no
 * accumulated gradients, mode), every parameter is scored, and pruned entries score 0.
 */
class ObdContractTest {

    @Test
    void obdOnlyReadsTheModel() {
        Rng r = new Rng(21);
        SmallNet net = new SmallNet(r, 4, 5, 3);
        List<Minibatch> batches = SmallNet.batches(r, 2, 4, 4, 3);
        Map<String, Parameter> weights = Pruning.prunableWeights(net.model);
        Pruning.randomUnstructured(net.fc1.weight, 0.5, new Rng(2));
        net.model.train(false);
        List<Function<Objective, ? extends Curvature>> curvatures = List.of(Curvature::hessian, Curvature::gaussNewton,
                EmpiricalFisher::of);
        for (Function<Objective, ? extends Curvature> c : curvatures) {
            for (CurvatureDiagonal d : List.of(CurvatureDiagonal.exact(c), CurvatureDiagonal.hutchinson(c, 3, 1))) {
                Map<String, Tensor> before = new LinkedHashMap<>();
                net.model.stateDict().forEach((name, t) -> before.put(name, t.copy()));
                Scores.PerEntry s = new Obd(batches, Losses::crossEntropy, d).scores(net.model, weights);
                net.model.stateDict().forEach((name, t) -> assertThat(t.contentEquals(before.get(name))).as(name).isTrue());
                assertThat(net.model.parameters()).allMatch(p -> p.grad() == null);
                assertThat(net.model.isTraining()).isFalse();
                assertThat(s.values().keySet()).containsExactlyElementsOf(weights.keySet());
                Tensor fc1 = s.values().get("0.weight");
                for (int i = 0; i < fc1.numel(); i++) {
                    if (net.fc1.weight.mask().getFlat(i) == 0) {
                        assertThat(fc1.getFlat(i)).isZero();
                    }
                }
            }
        }
    }
}
