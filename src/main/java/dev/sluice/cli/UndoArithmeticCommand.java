package dev.sluice.cli;

import dev.sluice.experiments.undo.UndoArithmetic;
import dev.sluice.experiments.undo.UndoFigure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;

/** {@code sluice undo arithmetic}: unlearn multiplication, keep addition; UNDO vs unlearn-only vs data filtering. */
@Command(name = "arithmetic", description = "UNDO on modular arithmetic (retain = addition, forget = multiplication): "
        + "base, data-filtered, MaxEnt unlearn-only, UNDO at alpha 0.3/0.6/0.8 (beta 0.1) and random-init distillation, "
        + "each under a relearning attack (papers.md §2.5).")
final class UndoArithmeticCommand extends CliCommand {
    @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--modulus", description = "The modulus p, 5 to 1000 (default: ${DEFAULT-VALUE}; the pass criteria are calibrated for 29).")
    int modulus = 29;

    @Option(names = "--model", description = "mlp (calibrated) or gpt (a 2-layer transformer over 'a op b =', reported without a bound) (default: ${DEFAULT-VALUE}).")
    String model = "mlp";

    @Option(names = "--alpha", split = ",", paramLabel = "A",
            description = "UNDO's noise levels alpha in (0, 1], beta 0.1 (default: 0.3,0.6,0.8 and the random-init student; "
                    + "other levels leave the pass criteria unapplied).")
    java.util.List<Double> alphas;

    @Option(names = "--quick", description = "A smoke-sized budget (seconds, not the reproduction's numbers): for trying a sweep.")
    boolean quick;

    @Mixin
    DeviceOption device;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the results as JSON (default: ${DEFAULT-VALUE}, in the current directory).")
    Path out = Path.of("results.json");

    @Option(names = "--figure", paramLabel = "FILE", description = "Write the attack curves as PNG (default: next to --out, BASE-attack.png).")
    Path figure;

    private UndoArithmetic.Model m;
    private dev.sluice.tensor.Device on;

    @Override
    void validate() {
        Check.inRange("--modulus", modulus, 5, 1000);
        m = switch (Check.oneOf("--model", model, java.util.List.of("mlp", "gpt"))) {
            case "mlp" -> UndoArithmetic.Model.MLP;
            default -> UndoArithmetic.Model.GPT;
        };
        if (alphas != null) {
            for (double a : alphas) Check.fraction("--alpha", a, false);
        }
        Check.writableOut("--out", out);
        if (figure == null) figure = Results.figureNextTo(out, "attack");
        Check.writableOut("--figure", figure);
        on = device.resolve();
    }

    @Override
    int execute() throws Exception {
        var o = out();
        var cfg = UndoArithmetic.Config.defaults().withSeed(seed).withModulus(modulus).withModel(m).withDevice(on);
        if (quick) cfg = cfg.quick();
        if (alphas != null) cfg = cfg.withNoise(UndoArithmetic.noiseLevels(alphas));
        o.printf(Locale.ROOT, "UNDO on modular arithmetic: p = %d, model %s, seed %d, on %s%n", modulus, model, seed, on);
        var r = UndoArithmetic.run(cfg, p -> o.println(p.stage() + ": " + p.detail()));
        o.println();
        o.println("model                 retain acc  forget acc  steps      GFLOP  best held-out forget acc under attack   note (seeds 0/1)");
        var note = java.util.Map.of("unlearn-only", "0.32 / 0.35", "undo-a0.3", "0.16 / 0.18", "undo-a0.6", "0.12 / 0.10",
                "undo-a0.8", "0.07 / 0.07", "random-init-distill", "0.07 / 0.06", "data-filtered", "0.06 / 0.06");
        for (var mr : r.models()) {
            o.printf(Locale.ROOT, "%-20s %11.3f %11.3f %6d %10.1f %39.3f   %s%n", mr.name(), mr.retainAccuracy(), mr.forgetAccuracy(),
                    mr.steps(), mr.flops() / 1e9, mr.attackedForgetAccuracy(), note.getOrDefault(mr.name(), ""));
        }
        int code = 0;
        if (r.criteriaApply()) {
            o.println("criteria: " + r.criteria() + " -> " + (r.passed() ? "PASS" : "FAIL"));
            code = r.passed() ? 0 : 3;
        } else {
            o.println("criteria: not applied (calibrated for the MLP at p = 29, alpha 0.3/0.6/0.8)");
        }
        if (Results.write(out, r.toJson(), false)) {
            err().println(name() + ": " + Results.divergedLine(out) + "; no figure");
            return 1;
        }
        UndoFigure.write(r, figure);
        o.printf(Locale.ROOT, "wrote %s and %s (%.0f s)%n", out, figure, r.seconds());
        return code;
    }
}
