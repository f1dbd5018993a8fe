package org.secateur.experiments;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code secateur} command line. */
@Command(name = "secateur", mixinStandardHelpOptions = true, version = "Secateur 0.1.0",
        description = "Pruning and distillation experiments on a pure-Java engine.",
        subcommands = {Main.ListCommand.class, Main.RunCommand.class, Main.DemoCommand.class, BenchCommand.class})
public final class Main implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }

    /** Options shared by the commands that run experiments. */
    static final class RunOptions {
        @Option(names = "--quick", description = "Run the quick configuration (seconds) instead of the full one.")
        boolean quick;

        @Option(names = "--seed", defaultValue = "1", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--threads", description = "Threads for the kernels (default: all processors).")
        Integer threads;

        @Option(names = "--data-dir", description = "Directory holding the datasets (default: $SECATEUR_DATA, "
                + "~/.cache/secateur, system packages).")
        Path dataDir;

        @Option(names = "--out", defaultValue = "results", description = "Root of the results (default: ${DEFAULT-VALUE}).")
        Path out;

        Runner.Options toOptions() {
            int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
            if (t < 1) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--threads must be >= 1, got " + t);
            }
            return new Runner.Options(quick, seed, t, dataDir, out, System.out, false);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the experiments.")
    static final class ListCommand implements Callable<Integer> {
        @Override
        public Integer call() {
            for (Experiment e : Experiments.all()) {
                System.out.printf("%-20s %s  [%s]%n", e.name(), e.description(), e.reproduces());
            }
            return 0;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run one experiment.")
    static final class RunCommand implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "EXPERIMENT", description = "Name, as shown by 'secateur list'.")
        String name;

        @CommandLine.Mixin
        RunOptions options = new RunOptions();

        @Override
        public Integer call() throws Exception {
            Experiment e = Experiments.find(name).orElse(null);
            if (e == null) {
                System.err.println("unknown experiment '" + name + "'; known: "
                        + String.join(", ", Experiments.all().stream().map(Experiment::name).toList()));
                return 2;
            }
            Runner.run(e, options.toOptions());
            return 0;
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "The main job: run the demonstration experiment in its full configuration.")
    static final class DemoCommand implements Callable<Integer> {
        static final String DEMO = "magnitude-retrain";

        @CommandLine.Mixin
        RunOptions options = new RunOptions();

        @Override
        public Integer call() throws Exception {
            Runner.run(Experiments.find(DEMO).orElseThrow(), options.toOptions());
            return 0;
        }
    }
}
