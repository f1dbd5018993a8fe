package org.secateur.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ExperimentsTest {

    static Runner.Options quick(Path out) {
        return new Runner.Options(true, 1, 2, null, out, new PrintStream(new ByteArrayOutputStream()), true);
    }

    static JsonNode results(Path dir) throws Exception {
        return new ObjectMapper().readTree(dir.resolve("results.json").toFile());
    }

    @Test
    void everyExperimentIsNamedOnceAndSaysWhatItReproduces() {
        Set<String> names = new HashSet<>();
        for (Experiment e : Experiments.all()) {
            assertThat(names.add(e.name())).as("duplicate name %s", e.name()).isTrue();
            assertThat(e.name()).matches("[a-z0-9-]+");
            assertThat(e.description()).isNotBlank();
            assertThat(e.reproduces()).isNotBlank();
        }
    }

    @Test
    void listPrintsOneLinePerExperimentStartingWithItsName() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        int code;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            code = new CommandLine(new Main()).execute("list");
        } finally {
            System.setOut(old);
        }
        assertThat(code).isZero();
        String[] lines = buf.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines).hasSize(Experiments.all().size());
        for (int i = 0; i < lines.length; i++) {
            assertThat(lines[i]).startsWith(Experiments.all().get(i).name() + " ");
        }
    }

    @Test
    void anUnknownExperimentIsAnErrorThatListsTheKnownOnes() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = new CommandLine(new Main()).execute("run", "no-such-thing", "--quick");
        } finally {
            System.setErr(old);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown experiment 'no-such-thing'").contains("baseline");
    }

    @Test
    void spiralsQuickWritesEveryResultFileAndLearns(@TempDir Path out) throws Exception {
        Report r = Runner.run(Experiments.find("spirals").orElseThrow(), quick(out));
        for (String f : new String[] {"table.md", "results.csv", "results.json"}) {
            assertThat(r.dir().resolve(f)).isRegularFile();
        }
        JsonNode json = results(r.dir());
        assertThat(json.get("status").asText()).isEqualTo("completed");
        assertThat(json.get("seed").asLong()).isEqualTo(1);
        assertThat(json.get("stages_seconds").has("train")).isTrue();
        // a linear model gets about half of the spiral right; the MLP must do clearly better
        assertThat(json.get("results").get("train_accuracy").asDouble()).isGreaterThan(0.75);
    }

    @Test
    void baselineQuickRunsOnRealFashionMnist(@TempDir Path out) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")),
                "Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)");
        Report r = Runner.run(Experiments.find("baseline").orElseThrow(), quick(out));
        JsonNode json = results(r.dir());
        assertThat(json.get("status").asText()).isEqualTo("completed");
        assertThat(Files.readString(r.dir().resolve("table.md"))).contains("LeNet-300-100").contains("LeNet-5");
        assertThat(Files.readAllLines(r.dir().resolve("results.csv"))).hasSize(1 + 2 + 2);
        assertThat(Files.size(r.dir().resolve("accuracy.png"))).isGreaterThan(1000);
        // two short epochs on 4,096 images: far above chance (10%)
        assertThat(json.get("results").get("lenet_300_100_test_accuracy").asDouble()).isGreaterThan(0.6);
    }

    @Test
    void aFailedRunStillWritesItsReportWithTheError(@TempDir Path out) {
        Experiment broken = new Experiment() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public String description() {
                return "fails in its second stage";
            }

            @Override
            public String reproduces() {
                return "nothing";
            }

            @Override
            public void run(RunContext ctx) throws Exception {
                ctx.stage("first", () -> ctx.report().metric("first", 1));
                ctx.stage("second", () -> {
                    throw new IllegalStateException("boom");
                });
            }
        };
        try {
            Runner.run(broken, quick(out));
        } catch (Exception expected) {
            assertThat(expected).hasMessage("boom");
        }
        JsonNode json;
        try {
            json = results(out.resolve("broken"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(json.get("status").asText()).isEqualTo("failed");
        assertThat(json.get("error").asText()).contains("boom");
        assertThat(json.get("results").get("first").asInt()).isEqualTo(1);
    }
}
