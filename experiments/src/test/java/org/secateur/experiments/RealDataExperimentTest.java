package org.secateur.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the experiment tests on real data share: they run only where Fashion-MNIST is installed, each test class
 * trains its dense models into a model cache of its own (a fresh directory per class, so the first experiment to
 * need a model trains it and the others load it), and each run must complete and write its files.
 */
abstract class RealDataExperimentTest {
    @TempDir
    static Path models;

    private static String previousCache;

    @BeforeAll
    static void useAFreshModelCache() {
        assumeTrue(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")),
                "Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)");
        previousCache = System.getProperty(Pretrained.PROPERTY);
        System.setProperty(Pretrained.PROPERTY, models.toString());
    }

    @AfterAll
    static void restoreTheModelCache() {
        if (previousCache == null) {
            System.clearProperty(Pretrained.PROPERTY);
        } else {
            System.setProperty(Pretrained.PROPERTY, previousCache);
        }
    }

    /** Runs {@code name}'s quick mode into {@code out}; its {@code results.json}. */
    static JsonNode run(String name, Path out) throws Exception {
        Report r = Runner.run(Experiments.find(name).orElseThrow(), ExperimentsTest.quick(out));
        JsonNode json = ExperimentsTest.results(r.dir());
        assertThat(json.get("status").asText()).isEqualTo("completed");
        assertThat(r.dir().resolve("table.md")).isRegularFile();
        assertThat(Files.readAllLines(r.dir().resolve("results.csv")).size()).isGreaterThan(1);
        return json;
    }

    static double metric(JsonNode json, String key) {
        JsonNode v = json.get("results").get(key);
        assertThat(v).as("metric %s", key).isNotNull();
        return v.asDouble();
    }
}
