package org.secateur.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.secateur.testing.RestoresThreads;
import picocli.CommandLine;

/** {@code secateur bench}: the JSON object on stdout, progress on stderr, and a clear error on bad input. */
@ExtendWith(RestoresThreads.class)         // the command sets the engine's thread count for the process
class BenchCommandTest {

    private record Run(int code, String out, String err) {}

    private static Run bench(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            String[] all = new String[args.length + 1];
            all[0] = "bench";
            System.arraycopy(args, 0, all, 1, args.length);
            code = new CommandLine(new Main()).execute(all);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void jsonModePrintsOneObjectOnStdoutAndItsProgressOnStderr() throws Exception {
        Run r = bench("--quick", "--only", "peak", "--threads", "2", "--json");
        assertThat(r.code()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("threads").asInt()).isEqualTo(2);
        for (String key : new String[] {"fma_peak_gflops_1t", "fma_peak_gflops", "fma_peak_end_gflops"}) {
            assertThat(json.get(key).asDouble()).as(key).isPositive();
        }
        assertThat(json.has("gemm_1024_gflops")).isFalse();
        // the three peaks take several seconds, past the progress report's quiet start; its count is the plan's
        assertThat(r.err()).contains("bench: 2/2 measurements (100%)").contains("FMA peak again");
    }

    @Test
    void badArgumentsAreErrorsThatSayWhatWasExpected() {
        Run r = bench("--threads", "0");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--threads must be >= 1, got 0");
        assertThat(r.out()).isEmpty();
        r = bench("--only", "peak,gemms");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown section 'gemms'").contains("gemm");
        assertThat(r.out()).isEmpty();
        r = bench("--epochs", "-1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--epochs must be >= 0, got -1");
    }
}
