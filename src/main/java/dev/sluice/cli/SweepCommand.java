package dev.sluice.cli;

import dev.sluice.experiments.sweep.Sweep;
import dev.sluice.experiments.sweep.SweepBackend;
import dev.sluice.experiments.sweep.SweepExperiment;
import dev.sluice.experiments.sweep.SweepPoint;
import dev.sluice.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code sluice sweep undo arithmetic --seeds 0-7 --alpha 0.3,0.6,0.8 [--master local[2]]}: a grid of reproduction
 * configs, one results table. Without {@code --master} the configs run one after another in this JVM (no Spark); with
 * it they run as Spark tasks through the sluice-spark artifact, which the launcher puts on the class path.
 */
@Command(name = "sweep", description = "Run a grid of reproduction configs (seeds x parameter values) and collect one table: "
        + "JSON (every config's full result), markdown and a PNG. Each row equals running its config alone (the JSON "
        + "names the command). Sweepable: undo arithmetic (--alpha), recontext toy (--rounds).")
final class SweepCommand extends CliCommand {
    @Parameters(arity = "1..*", paramLabel = "EXPERIMENT", description = "The reproduction, as its command says it: undo arithmetic, recontext toy.")
    List<String> experimentWords;

    @Option(names = "--seeds", paramLabel = "LIST", description = "Seeds: a range 0-7, a list 1,4,9 or both (default: ${DEFAULT-VALUE}).")
    String seeds = "0";

    @Option(names = "--alpha", split = ",", paramLabel = "A", description = "undo arithmetic: UNDO's noise levels (default: 0.8).")
    List<Double> alpha;

    @Option(names = "--rounds", split = ",", paramLabel = "N", description = "recontext toy: expert-iteration rounds (default: 8).")
    List<Integer> rounds;

    @Option(names = "--quick", description = "Each config at its smoke-sized budget (seconds each; not the reproduction's numbers).")
    boolean quick;

    @Option(names = "--master", paramLabel = "URL", description = "Run the configs as Spark tasks on this master (local[2], "
            + "local-cluster[2,1,1024], spark://host:7077); needs the sluice-spark artifact and Spark on the class path "
            + "(./sluice sweep sets that up). Without it: one after another in this JVM, no Spark.")
    String master;

    @Option(names = "--out", paramLabel = "FILE", description = "The table as JSON (default: ${DEFAULT-VALUE}); the markdown and "
            + "the PNG go next to it (BASE.md, BASE.png).")
    Path out = Path.of("sweep.json");

    private SweepExperiment experiment;
    private List<SweepPoint> points;
    private SweepBackend backend;
    private Path markdown, figure;

    @Override
    void validate() {
        String name = String.join("-", experimentWords);
        try {
            experiment = Sweep.experiment(name);
            Map<String, List<Double>> values = new LinkedHashMap<>();
            if (alpha != null) values.put("alpha", alpha);
            if (rounds != null) {
                for (int r : rounds) Check.positive("--rounds", r);
                values.put("rounds", rounds.stream().map(Integer::doubleValue).toList());
            }
            for (var e : values.entrySet()) {
                if (!experiment.parameters().containsKey(e.getKey())) {
                    throw new UserError("--" + e.getKey() + ": " + String.join(" ", experimentWords) + " has no such parameter (it has "
                            + experiment.parameters().keySet() + ")");
                }
            }
            if (alpha != null) for (double a : alpha) Check.fraction("--alpha", a, false);
            points = Sweep.grid(experiment, Sweep.parseSeeds(seeds), values, quick);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        if (master != null && !SPARK_MASTER.matcher(master).matches()) {
            // Spark itself would log a stack trace and fail inside its context's constructor
            throw new UserError("--master: '" + master + "' is not a Spark master URL (local, local[N], local[N,F], "
                    + "local-cluster[N,C,M], spark://HOST:PORT, yarn, k8s://URL)");
        }
        try {
            backend = Sweep.backend(master == null ? "local" : "spark");
        } catch (IllegalStateException e) {
            throw new UserError(e.getMessage());
        }
        Check.writableOut("--out", out);
        markdown = out.resolveSibling(base(out) + ".md");
        figure = out.resolveSibling(base(out) + ".png");
        Check.writableOut("--out (markdown)", markdown);
        Check.writableOut("--out (figure)", figure);
    }

    /** The master URL forms Spark 4.2 accepts (SparkContext.createTaskScheduler), by shape only. */
    private static final java.util.regex.Pattern SPARK_MASTER = java.util.regex.Pattern.compile(
            "local(\\[(\\d+|\\*)(,\\d+)?])?|local-cluster\\[\\d+,\\d+,\\d+]|spark://\\S+|yarn|k8s://\\S+");

    private static String base(Path out) {
        String n = out.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    @Override
    int execute() throws Exception {
        var o = out();
        o.printf(Locale.ROOT, "sweep %s: %d configs on %s%n", experiment.name(), points.size(), master == null ? "this JVM" : "Spark " + master);
        long t0 = System.nanoTime();
        List<String> texts = backend.runAll(points, master, line -> { o.println(line); o.flush(); });
        var table = Sweep.Table.of(experiment, points, texts, backend.name(), master, (System.nanoTime() - t0) / 1e9);
        boolean diverged = Results.write(out, table.toJson(), true);
        String md = table.markdown();
        AtomicFiles.writeString(markdown, md);
        table.writeFigure(figure);
        o.println();
        o.print(md);
        o.printf(Locale.ROOT, "wrote %s, %s and %s (%.0f s)%n", out, markdown, figure, table.seconds());
        if (diverged) {
            err().println(name() + ": " + Results.divergedLine(out));
            return 1;
        }
        return 0;
    }
}
