package dev.sluice.cli;

import dev.sluice.experiments.recontext.LmFigure;
import dev.sluice.experiments.recontext.LmReproduction;
import dev.sluice.io.AtomicFiles;
import dev.sluice.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code sluice recontext lm}: standard vs recontextualized expert iteration on a small GPT. */
@Command(name = "lm", description = "A small GPT reads an instruction, a sum and one wrong test, and writes a two-digit answer "
        + "(sampled with the KV cache); hard-coding the test's value is rewarded. Standard vs recontextualized expert iteration.")
final class RecontextLmCommand implements Callable<Integer> {
    @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--rounds", description = "Expert-iteration rounds (default: ${DEFAULT-VALUE}).")
    int rounds = LmReproduction.Config.defaults().rounds();

    @Option(names = "--prior-steps", description = "SFT steps of the instruction-following prior (default: ${DEFAULT-VALUE}).")
    int priorSteps = LmReproduction.Config.defaults().priorSteps();

    @Mixin
    DeviceOption device;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the results as JSON (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("results.json");

    @Option(names = "--figure", paramLabel = "FILE", description = "Write the rates-over-rounds figure as PNG (default: ${DEFAULT-VALUE}).")
    Path figure = Path.of("recontext-lm.png");

    @Override
    public Integer call() throws Exception {
        var cfg = LmReproduction.Config.defaults().withSeed(seed).withBudget(priorSteps, rounds);
        System.out.printf(Locale.ROOT, "recontextualization LM: %d-layer GPT (d=%d), %d rounds of best-of-%d on %d problems, seed %d%n",
                cfg.nLayers(), cfg.dModel(), rounds, cfg.samples(), cfg.problemsPerRound(), seed);
        dev.sluice.tensor.Device on = device.resolve("recontext lm");
        if (on == null) return 2;
        System.out.println("on " + on);
        var r = LmReproduction.run(cfg, LmReproduction.PAIRS, on, p -> {
            if (p.eval() == null) System.out.printf(Locale.ROOT, "%-28s step %5d  loss %.4f%n", p.run(), p.round(), p.loss());
            else System.out.printf(Locale.ROOT, "%-28s round %2d  %s%n", p.run(), p.round(), RatesTable.inline(p.eval()));
        });
        RatesTable.header();
        RatesTable.row("prior", r.prior());
        for (var p : r.pairs()) RatesTable.row(p.pair().name(), p.end());
        AtomicFiles.writeString(out, Json.write(r.toJson()) + "\n");
        if (figure != null) LmFigure.write(r, figure);
        System.out.printf(Locale.ROOT, "wrote %s%s (%.0f s)%n", out, figure != null ? " and " + figure : "", r.seconds());
        return 0;
    }
}
