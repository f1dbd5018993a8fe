package org.secateur.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secateur.nn.Activation;
import org.secateur.nn.Losses;
import org.secateur.nn.Models;
import org.secateur.nn.Parameter;
import org.secateur.nn.Sequential;
import org.secateur.sparsity.Loss;
import org.secateur.sparsity.Minibatch;
import org.secateur.sparsity.Pruner;
import org.secateur.sparsity.Pruning;
import org.secateur.sparsity.criteria.RandomScore;
import org.secateur.sparsity.secondorder.Curvature;
import org.secateur.sparsity.secondorder.CurvatureDiagonal;
import org.secateur.sparsity.secondorder.Objective;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/**
 * The second-order experiments' quick modes on real data (Fashion-MNIST, MONK's problems, XOR), each asserting
 * what its paper claims where that holds robustly at this size with the seeds fixed. The dense LeNet-5 of
 * {@code obc-table} is trained into a model cache of this class's own.
 */
class SecondOrderExperimentsTest extends RealDataExperimentTest {
    @Test
    void obdDeletesWithLessDamageThanMagnitudeAndPredictsSmallDeletions(@TempDir Path out) throws Exception {
        JsonNode json = run("obd", out);
        // trained to an actual minimum: OBD's zero-gradient assumption holds
        assertThat(metric(json, "gradient_norm")).isLessThan(1e-5);
        assertThat(metric(json, "negative_hessian_saliencies")).isZero();
        for (int level : new int[] {5, 10, 20, 30, 40, 50, 60, 70}) {
            double obd = metric(json, "obd_hessian_actual_" + level);
            double magnitude = metric(json, "magnitude_actual_" + level);
            // Fig. 1a: deleting by saliency costs less than deleting by magnitude, and random is worse still
            assertThat(obd).as("OBD against magnitude at %d%%", level).isLessThan(magnitude);
            assertThat(obd).as("OBD against random at %d%%", level).isLessThan(metric(json, "random_actual_" + level));
            assertThat(metric(json, "obd_gauss_newton_actual_" + level)).as("Gauss-Newton OBD at %d%%", level)
                    .isLessThan(magnitude);
        }
        // Fig. 1b: for small deletions the quadratic model is the actual increase, and the sum of the saliencies
        // (its diagonal part) predicts it within a factor of two
        for (int level : new int[] {5, 10}) {
            double actual = metric(json, "obd_hessian_actual_" + level);
            assertThat(metric(json, "obd_hessian_quadratic_" + level) / actual).as("quadratic / actual at %d%%", level)
                    .isCloseTo(1, within(0.05));
            assertThat(metric(json, "obd_hessian_predicted_" + level) / actual).as("predicted / actual at %d%%", level)
                    .isBetween(0.5, 2.0);
        }
        for (String f : new String[] {"fig1a-loss-increase.png", "fig1b-predicted-vs-actual.png", "fig2-retraining.png",
                "fig2-loss.png"}) {
            assertThat(Files.size(out.resolve("obd").resolve(f))).isGreaterThan(1000);
        }
    }

    @Test
    void obsKeepsFewerWeightsThanObdAndMagnitudeOnMonkAndKeepsXorWorking(@TempDir Path out) throws Exception {
        JsonNode json = run("obs-monk", out);
        for (String p : new String[] {"monk1_", "monk2_", "monk3_", "monk3_weaker_decay_"}) {
            double obs = metric(json, p + "obs_kept_median");
            assertThat(obs).as("%s OBS against OBD", p).isLessThan(metric(json, p + "obd_hessian_diagonal_kept_median"));
            assertThat(obs).as("%s OBS against magnitude", p).isLessThan(metric(json, p + "magnitude_kept_median"));
            // OBS stops before the training accuracy falls, and here the test accuracy does not fall either
            assertThat(metric(json, p + "obs_train_median")).isGreaterThanOrEqualTo(metric(json, p + "train_before_median"));
            assertThat(metric(json, p + "obs_test_median")).isGreaterThanOrEqualTo(metric(json, p + "test_before_median"));
        }
        // Hassibi & Stork's 14 and 15 weights (paper-targets §2: at most 20); MONK-3's 4 varies too much by seed
        // (training subset) for two seeds, see the full run
        assertThat(metric(json, "monk1_obs_kept_median")).isLessThanOrEqualTo(20);
        assertThat(metric(json, "monk2_obs_kept_median")).isLessThanOrEqualTo(20);
        assertThat(metric(json, "monk1_train_before_median")).isEqualTo(1.0);
        assertThat(metric(json, "monk2_train_before_median")).isEqualTo(1.0);
        // XOR: OBS's first removal leaves a net that still computes XOR; OBD's and magnitude's do not
        assertThat(metric(json, "xor_nets")).isGreaterThanOrEqualTo(3);
        assertThat(metric(json, "xor_obs_still_xor_fraction")).isEqualTo(1.0);
        assertThat(metric(json, "xor_magnitude_still_xor_fraction")).isLessThan(0.5);
        assertThat(metric(json, "xor_obd_hessian_diagonal_still_xor_fraction")).isLessThan(0.5);
    }

    @Test
    void obcTableExactObsBeatsMagnitudeAndGptqBeatsRoundToNearest(@TempDir Path out) throws Exception {
        JsonNode json = run("obc-table", out);
        String m = "lenet-5_";
        // no layer is reconstructed worse by ExactOBS than by the magnitude mask
        assertThat(metric(json, "exactobs_error_le_gmp_fraction")).isEqualTo(1.0);
        for (String level : new String[] {"50", "67", "75"}) {
            assertThat(metric(json, m + "exactobs_" + level + "_error")).as("summed layer error at %s%%", level)
                    .isLessThan(metric(json, m + "gmp_" + level + "_error"));
            assertThat(metric(json, m + "exactobs_" + level + "_error"))
                    .isLessThan(metric(json, m + "adaprune_" + level + "_error"));
        }
        // at 4x, the refitting methods keep far more accuracy than magnitude alone
        assertThat(metric(json, m + "exactobs_75_accuracy")).isGreaterThan(metric(json, m + "gmp_75_accuracy") + 0.05);
        // the quantization twin: GPTQ's compensation reconstructs better than rounding
        for (String b : new String[] {"4bit", "3bit"}) {
            assertThat(metric(json, m + "gptq_" + b + "_error")).isLessThan(metric(json, m + "rtn_" + b + "_error"));
        }
        assertThat(metric(json, m + "gptq_3bit_accuracy")).isGreaterThan(metric(json, m + "rtn_3bit_accuracy"));
        assertThat(Files.readString(out.resolve("obc-table/table.md"))).contains("| ExactOBS |")
                .contains("ResNet50 top-1 (76.13)");
    }

    @Test
    void woodFisherBlocksKeepFarMoreAccuracyThanTheDiagonalFisherAt95Percent(@TempDir Path out) throws Exception {
        JsonNode json = run("woodfisher", out);
        double block = metric(json, "woodfisher_blocks_top1_median");
        double diagonal = metric(json, "diagonal_fisher_top1_median");
        assertThat(block).isGreaterThan(diagonal + 0.15);
        assertThat(metric(json, "dense_top1")).isGreaterThan(block);
    }

    @Test
    void theSoftmaxGaussNewtonDiagonalIsTheDiagonalOfTheGaussNewtonProducts() {
        Rng r = new Rng(7);
        Sequential net = SecondOrderKit.f64(Models.mlp(r.split(), Activation::tanh, 5, 4, 3));
        Map<String, Parameter> weights = Pruning.prunableWeights(net);
        // prune a few entries: their diagonal is 0 and the others are unchanged by the mask's zeros
        Pruner.global(0.3).prune(net, weights, new RandomScore(3));
        List<Minibatch> batches = new ArrayList<>();
        for (int b = 0; b < 2; b++) {
            int[] labels = new int[6];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = r.nextInt(3);
            }
            batches.add(new Minibatch(Tensor.normal(r.split(), 0, 1, DType.F64, 6, 5), labels));
        }
        Objective objective = Objective.of(net, net.namedParameters(), batches, Losses::crossEntropy);
        double[] fast = new SoftmaxGaussNewtonDiagonal().of(objective);
        double[] reference = CurvatureDiagonal.exact(Curvature::gaussNewton).of(objective);
        assertThat(fast).hasSameSizeAs(reference);
        for (int i = 0; i < fast.length; i++) {
            assertThat(fast[i]).as("entry %d", i).isCloseTo(reference[i], within(1e-12 + 1e-10 * Math.abs(reference[i])));
        }
        boolean[] alive = objective.params().alive();
        for (int i = 0; i < alive.length; i++) {
            if (!alive[i]) {
                assertThat(fast[i]).isZero();
            }
        }
    }

    @Test
    void newtonStepsReachAMinimumWithAZeroGradient() {
        Rng r = new Rng(11);
        Sequential net = SecondOrderKit.f64(Models.mlp(r.split(), Activation::tanh, 4, 6, 3));
        int[] labels = new int[40];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = r.nextInt(3);
        }
        var t = new SecondOrderKit.Table(Tensor.normal(r.split(), 0, 1, DType.F64, 40, 4), labels);
        Map<String, Parameter> weights = Pruning.prunableWeights(net);
        Loss loss = SecondOrderKit.withL2(Losses::crossEntropy, weights, 1e-2);
        Objective objective = Objective.of(net, net.namedParameters(), t.batches(), loss);
        double before = objective.value();
        SecondOrderKit.Minimum m = SecondOrderKit.newton(objective, 1e-8, 200, 500, Progress.none());
        assertThat(m.gradientNorm()).isLessThan(1e-8);
        assertThat(m.value()).isLessThan(before).isCloseTo(objective.value(), within(1e-15));
    }
}
