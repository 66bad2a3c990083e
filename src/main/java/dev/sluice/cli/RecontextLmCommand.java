package dev.sluice.cli;

import dev.sluice.experiments.recontext.LmFigure;
import dev.sluice.experiments.recontext.LmReproduction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;

/** {@code sluice recontext lm}: standard vs recontextualized expert iteration on a small GPT. */
@Command(name = "lm", description = "A small GPT reads an instruction, a sum and one wrong test, and writes a two-digit answer "
        + "(sampled with the KV cache); hard-coding the test's value is rewarded. Standard vs recontextualized expert iteration.")
final class RecontextLmCommand extends CliCommand {
    @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--rounds", description = "Expert-iteration rounds (default: ${DEFAULT-VALUE}).")
    int rounds = LmReproduction.Config.defaults().rounds();

    @Option(names = "--prior-steps", description = "SFT steps of the instruction-following prior, 0 or more (default: ${DEFAULT-VALUE}).")
    int priorSteps = LmReproduction.Config.defaults().priorSteps();

    @Mixin
    DeviceOption device;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the results as JSON (default: ${DEFAULT-VALUE}, in the current directory).")
    Path out = Path.of("results.json");

    @Option(names = "--figure", paramLabel = "FILE", description = "Write the rates-over-rounds figure as PNG (default: next to --out, BASE-rounds.png).")
    Path figure;

    private dev.sluice.tensor.Device on;

    @Override
    void validate() {
        Check.positive("--rounds", rounds);
        Check.nonNegative("--prior-steps", priorSteps);
        Check.writableOut("--out", out);
        if (figure == null) figure = Results.figureNextTo(out, "rounds");
        Check.writableOut("--figure", figure);
        on = device.resolve();
    }

    @Override
    int execute() throws Exception {
        var cfg = LmReproduction.Config.defaults().withSeed(seed).withBudget(priorSteps, rounds);
        var o = out();
        o.printf(Locale.ROOT, "recontextualization LM: %d-layer GPT (d=%d), %d rounds of best-of-%d on %d problems, seed %d, on %s%n",
                cfg.nLayers(), cfg.dModel(), rounds, cfg.samples(), cfg.problemsPerRound(), seed, on);
        var r = LmReproduction.run(cfg, LmReproduction.PAIRS, on, p -> {
            if (p.eval() == null) o.printf(Locale.ROOT, "%-28s step %5d  loss %.4f%n", p.run(), p.round(), p.loss());
            else o.printf(Locale.ROOT, "%-28s round %2d  %s%n", p.run(), p.round(), RatesTable.inline(p.eval()));
        });
        RatesTable.header(o);
        RatesTable.row(o, "prior", r.prior());
        for (var p : r.pairs()) RatesTable.row(o, p.pair().name(), p.end());
        if (Results.write(out, r.toJson(), false)) {
            err().println(name() + ": " + Results.divergedLine(out) + "; no figure");
            return 1;
        }
        LmFigure.write(r, figure);
        o.printf(Locale.ROOT, "wrote %s and %s (%.0f s)%n", out, figure, r.seconds());
        return 0;
    }
}
