package dev.sluice.cli;

import dev.sluice.experiments.recontext.ToyFigure;
import dev.sluice.experiments.recontext.ToyReproduction;
import dev.sluice.experiments.recontext.ToyReproduction.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;

/** {@code sluice recontext toy}: the calibrated toy of papers.md §3.5. */
@Command(name = "toy", description = "The toy test-hacking task (instruction NoHack/Neutral/HackOK, a+b mod 11 or HACK): an "
        + "instruction-following SFT prior, then expert iteration (or GRPO) for six generation->training instruction pairs.")
final class RecontextToyCommand extends CliCommand {
    @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}; the note reports seeds 1 and 2).")
    long seed = 1;

    @Option(names = "--trainer", description = "expert-iteration or grpo (default: ${DEFAULT-VALUE}).")
    String trainer = "expert-iteration";

    @Option(names = "--rounds", description = "Expert-iteration rounds (default: ${DEFAULT-VALUE}).")
    int rounds = ToyReproduction.Config.defaults().rounds();

    @Option(names = "--grpo-steps", description = "GRPO batches (each: all 121 prompts x 8 samples) (default: ${DEFAULT-VALUE}).")
    int grpoSteps = ToyReproduction.Config.defaults().grpoSteps();

    @Option(names = "--grpo-epochs", description = "GRPO optimiser steps per batch (default: ${DEFAULT-VALUE}).")
    int grpoEpochs = ToyReproduction.Config.defaults().grpoEpochs();

    @Option(names = "--grpo-lr", description = "GRPO Adam learning rate (default: ${DEFAULT-VALUE}).")
    double grpoLr = ToyReproduction.Config.defaults().grpoLr();

    @Option(names = "--quick", description = "A smoke-sized budget (the prior trained 600 steps instead of 3000): seconds, not the note's numbers.")
    boolean quick;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the results as JSON (default: ${DEFAULT-VALUE}, in the current directory).")
    Path out = Path.of("results.json");

    @Option(names = "--figure", paramLabel = "FILE", description = "Write the rates figure as PNG (default: next to --out, BASE-rates.png).")
    Path figure;

    private Trainer t;

    @Override
    void validate() {
        t = switch (Check.oneOf("--trainer", trainer, java.util.List.of("expert-iteration", "grpo", "ei", "best-of-n"))) {
            case "grpo" -> Trainer.GRPO;
            default -> Trainer.EXPERT_ITERATION;
        };
        Check.positive("--rounds", rounds);
        Check.positive("--grpo-steps", grpoSteps);
        Check.positive("--grpo-epochs", grpoEpochs);
        Check.finitePositive("--grpo-lr", grpoLr);
        Check.writableOut("--out", out);
        if (figure == null) figure = Results.figureNextTo(out, "rates");
        Check.writableOut("--figure", figure);
    }

    @Override
    int execute() throws Exception {
        var o = out();
        var d = ToyReproduction.Config.defaults();
        var cfg = d.withSeed(seed).withTrainer(t).withBudget(d.priorSteps(), rounds, grpoSteps)
                .withGrpo(grpoSteps, grpoEpochs, d.klCoef(), d.entropyCoef(), grpoLr);
        if (quick) cfg = cfg.quick();
        o.printf(Locale.ROOT, "recontextualization toy, %s, seed %d%n", t.key(), seed);
        int every = t == Trainer.GRPO ? Math.max(1, grpoSteps / 4) : 1;
        var r = ToyReproduction.run(cfg, p -> {
            if (p.round() % every == 0) {
                o.printf(Locale.ROOT, "%-28s %s %3d  %s%n", p.run(), t == Trainer.GRPO ? "step " : "round", p.round(),
                        RatesTable.inline(p.eval()));
            }
        });
        RatesTable.header(o);
        RatesTable.row(o, "prior", r.prior());
        for (var p : r.pairs()) RatesTable.row(o, p.pair().name(), p.end());
        o.println();
        for (var c : r.criteria()) o.printf(Locale.ROOT, "%-4s %-40s %7.3f  (%s)%n", c.pass() ? "PASS" : "FAIL", c.name(), c.value(), c.bound());
        if (Results.write(out, r.toJson(), false)) {
            err().println(name() + ": " + Results.divergedLine(out) + "; no figure");
            return 1;
        }
        ToyFigure.write(r, figure);
        o.printf(Locale.ROOT, "wrote %s and %s (%.1f s)%n", out, figure, r.seconds());
        return 0;
    }
}
