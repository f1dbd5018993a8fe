package org.secateur.sparsity.secondorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.secateur.nn.Parameter;
import org.secateur.sparsity.Pruner;
import org.secateur.sparsity.Scores;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

/**
 * OBD on separable quadratics {@code sum_i 1/2 h_i (w_i - c_i)^2} at their minimum, where its assumptions (diagonal
 * Hessian, zero gradient, quadratic loss) hold exactly: the predicted increase equals the actual one, and the
 * saliency is {@code 1/2 h_ii w_i^2}.
 */
class ObdTest {

    @Test
    void thePredictedIncreaseIsTheActualOneForADiagonalHessian() {
        qt().withExamples(30).forAll(Generators.seeds(), integers().between(2, 30))
                .checkAssert((seed, n) -> {
                    Rng r = new Rng(seed);
                    double sparsity = (double) r.nextInt(n) / n;
                    double[] a = new double[n * n];
                    for (int i = 0; i < n; i++) {
                        a[i * n + i] = 0.1 + 3 * r.nextDouble();
                    }
                    double[] c = TestMatrices.gaussian(r, n);
                    Quadratic q = new Quadratic(a, c, c);
                    Map<String, Parameter> params = Map.of("w", q.w);
                    CurvatureDiagonal diagonal = switch (r.nextInt(3)) {
                        case 0 -> CurvatureDiagonal.exact(Curvature::hessian);
                        case 1 -> CurvatureDiagonal.exact(Curvature::gaussNewton);
                        default -> CurvatureDiagonal.hutchinson(Curvature::hessian, 1, seed);
                    };
                    Obd obd = new Obd(Quadratic.batches(), q.loss(), diagonal);
                    Scores.PerEntry saliency = obd.scores(q, params);
                    for (int i = 0; i < n; i++) {
                        assertThat(saliency.values().get("w").getFlat(i))
                                .isCloseTo(0.5 * a[i * n + i] * c[i] * c[i], within(1e-12));
                    }
                    double before = q.objective().value();
                    Map<String, Tensor> masks = Pruner.global(sparsity).computeMasks(params, saliency);
                    double predicted = Obd.predictedIncrease(saliency, params, masks);
                    Pruner.global(sparsity).prune(params, saliency);
                    double actual = q.objective().value() - before;
                    assertThat(predicted).isCloseTo(actual, within(1e-12 * (1 + actual)));
                });
    }

    @Test
    void weightsPrunedBeforeScoreNothingAndAreNotCountedAgain() {
        Rng r = new Rng(2);
        int n = 6;
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            a[i * n + i] = 1 + i;
        }
        double[] c = TestMatrices.gaussian(r, n);
        Quadratic q = new Quadratic(a, c, c);
        q.w.setMask(Tensor.of(new double[] {1, 0, 1, 1, 1, 1}, n));
        Map<String, Parameter> params = Map.of("w", q.w);
        Obd obd = new Obd(Quadratic.batches(), q.loss(), CurvatureDiagonal.exact(Curvature::hessian));
        Scores.PerEntry saliency = obd.scores(q, params);
        assertThat(saliency.values().get("w").getFlat(1)).isZero();
        assertThat(obd.diagonal(q, params).get("w").getFlat(1)).isZero();
        double before = q.objective().value();
        Map<String, Tensor> masks = Pruner.global(0.5).computeMasks(params, saliency);
        double predicted = Obd.predictedIncrease(saliency, params, masks);
        Pruner.global(0.5).prune(params, saliency);
        assertThat(predicted).isCloseTo(q.objective().value() - before, within(1e-12));
    }
}
