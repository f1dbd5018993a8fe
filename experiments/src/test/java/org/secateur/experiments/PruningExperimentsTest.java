package org.secateur.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pruning experiments' quick modes on real Fashion-MNIST, each asserting the qualitative outcome its paper
 * claims where it holds robustly at this size (seeds fixed). The dense models are cached in a directory of this
 * class's own, so the first experiment to need one trains it and the others load it.
 */
class PruningExperimentsTest extends RealDataExperimentTest {
    @Test
    void magnitudeRetrainRecoversMostOfTheOneShotLossAndGivesTheSameResultsFromTheCache(@TempDir Path out)
            throws Exception {
        JsonNode first = run("magnitude-retrain", out.resolve("first"));
        assertThat(first.get("config").get("lenet-5_dense_model_source").asText()).isEqualTo("trained");
        double dense = metric(first, "dense_accuracy");
        double pruned90 = metric(first, "pruned_accuracy_90");
        double retrained90 = metric(first, "retrained_accuracy_90");
        // one-shot magnitude pruning costs more the more is pruned, and at 90% it costs a lot ...
        assertThat(metric(first, "pruned_accuracy_50")).isGreaterThan(pruned90);
        assertThat(dense - pruned90).isGreaterThan(0.10);
        // ... and retraining with the masks kept recovers most of it (the lecture: 36.1% -> 71.4% of 76.0%)
        for (String level : new String[] {"50", "70", "90"}) {
            double p = metric(first, "pruned_accuracy_" + level);
            double r = metric(first, "retrained_accuracy_" + level);
            assertThat(r - p).as("recovered at %s%%", level).isGreaterThanOrEqualTo(0.5 * (dense - p));
        }
        assertThat(retrained90).isGreaterThan(pruned90 + 0.5 * (dense - pruned90));
        Path chart = out.resolve("first/magnitude-retrain/accuracy.png");
        assertThat(Files.size(chart)).isGreaterThan(1000);

        // the same run with the dense model from the cache: the same numbers
        JsonNode second = run("magnitude-retrain", out.resolve("second"));
        assertThat(second.get("config").get("lenet-5_dense_model_source").asText()).isEqualTo("cache");
        assertThat(second.get("results")).isEqualTo(first.get("results"));
        assertThat(Files.readString(out.resolve("second/magnitude-retrain/results.csv")))
                .isEqualTo(Files.readString(out.resolve("first/magnitude-retrain/results.csv")));
    }

    @Test
    void han12xReachesTheLayerFractionsAndIterativeBeatsOneShotWithoutRetraining(@TempDir Path out) throws Exception {
        JsonNode json = run("han-12x", out);
        // Han et al.'s Table 2: fc1 8%, fc2 9%, fc3 26% of the weights kept, 21,776 of 266,200 (12.2x)
        assertThat(metric(json, "fc1_kept")).isCloseTo(0.08, within(1e-4));
        assertThat(metric(json, "fc2_kept")).isCloseTo(0.09, within(1e-4));
        assertThat(metric(json, "fc3_kept")).isCloseTo(0.26, within(1e-3));
        assertThat(metric(json, "weights_kept")).isEqualTo(21_776);
        assertThat(metric(json, "compression")).isCloseTo(12.22, within(0.01));
        assertThat(metric(json, "flops_weights_only")).isEqualTo(2 * 21_776);
        assertThat(metric(json, "flops_with_activation_sparsity")).isLessThanOrEqualTo(2 * 21_776);
        // pruning to 12x at once without retraining costs clearly more than pruning with retraining
        assertThat(metric(json, "iterative_accuracy")).isGreaterThan(metric(json, "one_shot_accuracy") + 0.02);
        var image = ImageIO.read(out.resolve("han-12x/fc1-input-connectivity.png").toFile());
        assertThat(image.getWidth()).isEqualTo(280);
        assertThat(image.getHeight()).isEqualTo(280);
        var mask = ImageIO.read(out.resolve("han-12x/fc1-mask.png").toFile());
        assertThat(mask.getWidth()).isEqualTo(784);
        assertThat(mask.getHeight()).isEqualTo(300);
    }

    @Test
    void criteriaMagnitudeTaylorAndObdBeatRandomAndObdBeatsMagnitudeAtHighSparsity(@TempDir Path out) throws Exception {
        JsonNode json = run("criteria", out);
        for (String scope : new String[] {"layer_wise", "global"}) {
            for (int level = 50; level <= 90; level += 10) {
                String prefix = "lenet-300-100_" + scope + "_";
                double random = metric(json, prefix + "random_accuracy_" + level);
                assertThat(metric(json, prefix + "magnitude_accuracy_" + level)).as("magnitude, %s, %d%%", scope, level)
                        .isGreaterThan(random);
                assertThat(metric(json, prefix + "taylor_accuracy_" + level)).as("Taylor, %s, %d%%", scope, level)
                        .isGreaterThan(random);
                assertThat(metric(json, prefix + "obd_accuracy_" + level)).as("OBD, %s, %d%%", scope, level)
                        .isGreaterThan(random);
            }
        }
        // OBD's Fig. 1a: within each layer the saliency damages less than magnitude where pruning starts to hurt
        for (int level : new int[] {70, 80}) {
            assertThat(metric(json, "lenet-300-100_layer_wise_obd_accuracy_" + level))
                    .isGreaterThan(metric(json, "lenet-300-100_layer_wise_magnitude_accuracy_" + level));
        }
        String table = Files.readString(out.resolve("criteria/table.md"));
        assertThat(table).contains("| sparsity | random | magnitude | gradient | Taylor | OBD |").doesNotContain("pending");
        assertThat(out.resolve("criteria/accuracy-lenet-300-100-layer-wise.png")).isRegularFile();
    }

    @Test
    void pruneAtInitSnipBeatsRandomAt98AndSynFlowCollapsesLast(@TempDir Path out) throws Exception {
        JsonNode json = run("prune-at-init", out);
        assertThat(metric(json, "snip_accuracy_98")).isGreaterThan(metric(json, "random_accuracy_98") + 0.05);
        // Tanaka et al.: SynFlow's critical compression is the highest (here with 10 rounds; the maximal
        // compression with 100 rounds is PruneAtInitTest's)
        for (String synflow : new String[] {"synflow", "synflow_bias_free_flow"}) {
            double critical = metric(json, synflow + "_critical_compression");
            for (String m : new String[] {"random", "magnitude", "snip", "grasp"}) {
                assertThat(critical).as("%s against %s", synflow, m)
                        .isGreaterThanOrEqualTo(metric(json, m + "_critical_compression"));
            }
        }
        assertThat(Files.readString(out.resolve("prune-at-init/table.md"))).contains("Layer collapse");
    }
}
