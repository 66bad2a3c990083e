package dev.sluice.cli;

import dev.sluice.experiments.recontext.ToyFigure;
import dev.sluice.experiments.recontext.ToyReproduction;
import dev.sluice.experiments.recontext.ToyReproduction.Trainer;
import dev.sluice.io.AtomicFiles;
import dev.sluice.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code sluice recontext toy}: the calibrated toy of papers.md §3.5. */
@Command(name = "toy", description = "The toy test-hacking task (instruction NoHack/Neutral/HackOK, a+b mod 11 or HACK): an "
        + "instruction-following SFT prior, then expert iteration (or GRPO) for six generation->training instruction pairs.")
final class RecontextToyCommand implements Callable<Integer> {
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

    @Option(names = "--out", paramLabel = "FILE", description = "Write the results as JSON (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("results.json");

    @Option(names = "--figure", paramLabel = "FILE", description = "Write the rates figure as PNG (default: ${DEFAULT-VALUE}).")
    Path figure = Path.of("recontext-toy.png");

    @Override
    public Integer call() throws Exception {
        Trainer t = switch (trainer.toLowerCase(Locale.ROOT)) {
            case "expert-iteration", "ei", "best-of-n" -> Trainer.EXPERT_ITERATION;
            case "grpo" -> Trainer.GRPO;
            default -> throw new IllegalArgumentException("--trainer must be expert-iteration or grpo, got '" + trainer + "'");
        };
        var d = ToyReproduction.Config.defaults();
        var cfg = d.withSeed(seed).withTrainer(t).withBudget(d.priorSteps(), rounds, grpoSteps)
                .withGrpo(grpoSteps, grpoEpochs, d.klCoef(), d.entropyCoef(), grpoLr);
        System.out.printf(Locale.ROOT, "recontextualization toy, %s, seed %d%n", t.key(), seed);
        int every = t == Trainer.GRPO ? Math.max(1, grpoSteps / 4) : 1;
        var r = ToyReproduction.run(cfg, p -> {
            if (p.round() % every == 0) {
                System.out.printf(Locale.ROOT, "%-28s %s %3d  %s%n", p.run(), t == Trainer.GRPO ? "step " : "round", p.round(),
                        RatesTable.inline(p.eval()));
            }
        });
        RatesTable.header();
        RatesTable.row("prior", r.prior());
        for (var p : r.pairs()) RatesTable.row(p.pair().name(), p.end());
        System.out.println();
        for (var c : r.criteria()) System.out.printf(Locale.ROOT, "%-4s %-40s %7.3f  (%s)%n", c.pass() ? "PASS" : "FAIL", c.name(), c.value(), c.bound());
        AtomicFiles.writeString(out, Json.write(r.toJson()) + "\n");
        if (figure != null) ToyFigure.write(r, figure);
        System.out.printf(Locale.ROOT, "wrote %s%s (%.1f s)%n", out, figure != null ? " and " + figure : "", r.seconds());
        return 0;
    }
}
