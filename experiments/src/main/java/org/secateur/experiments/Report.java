package org.secateur.experiments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The results of one run, written to {@code results/<experiment>/}: {@code table.md} (tables in the seed's shape,
 * our numbers beside the paper's), {@code results.csv} (one row per measurement), {@code results.json}
 * (configuration, seed, provenance, wall time per stage, metrics) and PNG plots. Files are rewritten atomically
 * after every stage, so a crash or an interrupt keeps what was finished.
 */
public final class Report {
    private final Path dir;
    private final Map<String, Object> header = new LinkedHashMap<>();
    private final Map<String, Object> config = new LinkedHashMap<>();
    private final Map<String, Object> metrics = new LinkedHashMap<>();
    private final Map<String, Double> stages = new LinkedHashMap<>();
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private final List<String> markdown = new ArrayList<>();
    private final List<String> plots = new ArrayList<>();
    private final long start = System.nanoTime();
    private String status = "running";

    Report(Path dir, Experiment e, boolean quick, long seed, int threads) {
        this.dir = dir;
        header.put("experiment", e.name());
        header.put("description", e.description());
        header.put("reproduces", e.reproduces());
        header.put("mode", quick ? "quick" : "full");
        header.put("seed", seed);
        header.put("threads", threads);
        header.put("started", Instant.now().toString());
        header.putAll(Provenance.describe());
    }

    /** The output directory. */
    public Path dir() {
        return dir;
    }

    /** Records a configuration value (hyper-parameters, sizes). */
    public Report config(String key, Object value) {
        config.put(key, value);
        return this;
    }

    /** Records a headline result. */
    public Report metric(String key, Object value) {
        metrics.put(key, value);
        return this;
    }

    /** Appends a CSV row; columns are the union of all rows' keys, in first-seen order. */
    public Report row(Map<String, ?> row) {
        rows.add(new LinkedHashMap<>(row));
        return this;
    }

    /** Appends a Markdown table under a heading. */
    public Report table(String title, List<String> columns, List<List<?>> body) {
        StringBuilder sb = new StringBuilder("## ").append(title).append("\n\n| ");
        sb.append(String.join(" | ", columns)).append(" |\n|");
        sb.append(" --- |".repeat(columns.size())).append('\n');
        for (List<?> r : body) {
            sb.append("| ");
            for (int i = 0; i < r.size(); i++) {
                sb.append(i > 0 ? " | " : "").append(cell(r.get(i)));
            }
            sb.append(" |\n");
        }
        markdown.add(sb.toString());
        return this;
    }

    /** Appends free Markdown (notes, how to read the table). */
    public Report text(String md) {
        markdown.add(md.endsWith("\n") ? md : md + "\n");
        return this;
    }

    /** Notes a plot file written into {@link #dir()} so that table.md links it. */
    public Report plot(String fileName, String caption) {
        plots.add("![" + caption + "](" + fileName + ")");
        return this;
    }

    void stage(String name, double seconds) {
        stages.merge(name, seconds, Double::sum);
    }

    void finish(String finalStatus, String error) {
        status = finalStatus;
        if (error != null) {
            header.put("error", error);
        }
        write();
    }

    private static String cell(Object o) {
        if (o instanceof Double d) {
            return String.format(Locale.ROOT, "%.4g", d);
        }
        if (o instanceof Float f) {
            return String.format(Locale.ROOT, "%.4g", f);
        }
        return String.valueOf(o);
    }

    /** Writes every file (atomically, each through a temporary file). */
    public synchronized void write() {
        try {
            Files.createDirectories(dir);
            Map<String, Object> json = new LinkedHashMap<>(header);
            json.put("status", status);
            json.put("wall_seconds", (System.nanoTime() - start) / 1e9);
            json.put("stages_seconds", stages);
            json.put("config", config);
            json.put("results", metrics);
            json.put("rows", rows);
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            atomicWrite("results.json", mapper.writeValueAsString(json) + "\n");
            atomicWrite("results.csv", csv());
            atomicWrite("table.md", tableMd());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write results to " + dir, e);
        }
    }

    private String tableMd() {
        StringBuilder sb = new StringBuilder("# ").append(header.get("experiment")).append("\n\n");
        sb.append(header.get("description")).append("\n\n");
        sb.append("Reproduces: ").append(header.get("reproduces")).append("\n\n");
        sb.append(String.format(Locale.ROOT, "Mode: %s, seed %s, %s threads, commit %s, %s. Status: %s, %.1f s.%n%n",
                header.get("mode"), header.get("seed"), header.get("threads"), header.get("git_commit"),
                header.get("jdk"), status, (System.nanoTime() - start) / 1e9));
        markdown.forEach(m -> sb.append(m).append('\n'));
        plots.forEach(p -> sb.append(p).append("\n\n"));
        return sb.toString();
    }

    private String csv() {
        Set<String> cols = new LinkedHashSet<>();
        rows.forEach(r -> cols.addAll(r.keySet()));
        StringBuilder sb = new StringBuilder();
        sb.append(String.join(",", cols.stream().map(Report::csvCell).toList())).append('\n');
        for (Map<String, Object> r : rows) {
            List<String> cells = new ArrayList<>();
            for (String c : cols) {
                Object v = r.get(c);
                cells.add(v == null ? "" : csvCell(String.valueOf(v)));
            }
            sb.append(String.join(",", cells)).append('\n');
        }
        return sb.toString();
    }

    private static String csvCell(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private void atomicWrite(String name, String content) throws IOException {
        Path tmp = Files.createTempFile(dir, "." + name, ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
