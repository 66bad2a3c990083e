package dev.sluice.cli;

import dev.sluice.experiments.undo.LanguageCorpora;
import dev.sluice.experiments.undo.LanguageUndo;
import dev.sluice.experiments.undo.LanguageUndoFigure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code sluice undo language}: UNDO's language setting on real text (retain English + KJV, forget German or Spanish). */
@Command(name = "language", description = "UNDO on real text: pretrain a small Llama on English fortunes + the King James Bible "
        + "(retain) and German or Spanish fortunes (forget), save it in the Hugging Face layout, then compare MaxEnt unlearn-only, "
        + "UNDO at alpha 0.3/0.6/0.8 (beta 0.1) and data filtering under a relearning attack (papers.md §2).")
final class UndoLanguageCommand extends CliCommand {
    @Option(names = "--seed", description = "Seed of inits, batches and noise; the data split is fixed (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--forget", description = "The forget language: de (German fortunes) or es (Spanish fortunes) (default: ${DEFAULT-VALUE}).")
    String forget = "de";

    @Option(names = "--size", description = "demo (hidden 128, 4 layers; ~23 min on 2 cores) or tiny (a smoke run, seconds) (default: ${DEFAULT-VALUE}).")
    String size = "demo";

    @Option(names = "--pretrain-steps", description = "Override the pretraining steps of each of the two pretrained models, 1 to 100000.")
    Integer pretrainSteps;

    @Option(names = "--fortunes", paramLabel = "DIR", description = "The fortunes folder, with de/ and es/ (default: ${DEFAULT-VALUE}).")
    Path fortunes = LanguageCorpora.FORTUNES;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the results as JSON (default: ${DEFAULT-VALUE}, in the current directory).")
    Path out = Path.of("results.json");

    @Option(names = "--figure", paramLabel = "FILE", description = "Write the attack curves as PNG (default: next to --out, BASE-attack.png).")
    Path figure;

    @Option(names = "--model-dir", paramLabel = "DIR", description = "Save the pretrained model here, Hugging Face layout (default: next to --out, BASE-pretrained/).")
    Path modelDir;

    private LanguageUndo.Config cfg;

    @Override
    void validate() {
        Check.oneOf("--forget", forget, List.of("de", "es"));
        Check.oneOf("--size", size, List.of("demo", "tiny"));
        if (pretrainSteps != null) Check.inRange("--pretrain-steps", pretrainSteps, 1, 100_000);
        Check.writableOut("--out", out);
        if (figure == null) figure = Results.figureNextTo(out, "attack");
        Check.writableOut("--figure", figure);
        if (modelDir == null) {
            String name = Results.figureNextTo(out, "pretrained").getFileName().toString();
            modelDir = out.resolveSibling(name.substring(0, name.length() - ".png".length()));
        }
        Check.writableOut("--model-dir", modelDir.resolve("config.json"));
        Check.readableDir("--fortunes", fortunes, "install fortunes, fortunes-de and fortunes-es");
        String missing = LanguageCorpora.missing(fortunes, forget);
        if (missing != null) throw new UserError(missing);
        cfg = (size.equals("tiny") ? LanguageUndo.Config.tiny() : LanguageUndo.Config.defaults())
                .withSeed(seed).withForget(forget).withFortunes(fortunes).withSaveDir(modelDir);
        if (pretrainSteps != null) cfg = cfg.withSteps(pretrainSteps, cfg.unlearnSteps(), cfg.maxDistillSteps(), cfg.attackSteps());
    }

    @Override
    int execute() throws Exception {
        var o = out();
        o.printf(Locale.ROOT, "UNDO on real text: retain English fortunes + KJV, forget %s; Llama hidden %d, %d layers, %d/%d heads, MLP %d, "
                + "context %d; seed %d%n", cfg.forgetName(), cfg.hidden(), cfg.layers(), cfg.heads(), cfg.kvHeads(), cfg.mlp(), cfg.context(), seed);
        var r = LanguageUndo.run(cfg, p -> o.println(p.stage() + ": " + p.detail()));
        o.println();
        int[] ev = cfg.attackEvalSteps();
        int k = ev.length > 1 ? ev[1] : 0;
        double orig = r.get("pretrained").retainCe();
        o.printf(Locale.ROOT, "model            retain CE  retain ppl  vs pretrained  forget CE  attacked @%-4d attacked @%-4d  steps%n", k, cfg.attackSteps());
        for (var m : r.models()) {
            double[] a = m.attackedForgetCe();
            o.printf(Locale.ROOT, "%-16s %9.3f %11.2f %14s %10.3f %14s %14s %6d%n", m.name(), m.retainCe(), Math.exp(m.retainCe()),
                    String.format(Locale.ROOT, "%+.1f%%", 100 * (Math.exp(m.retainCe() - orig) - 1)), m.forgetCe(),
                    a.length > 1 ? String.format(Locale.ROOT, "%.3f", a[1]) : "-", a.length > 0 ? String.format(Locale.ROOT, "%.3f", a[a.length - 1]) : "-", m.steps());
        }
        if (Results.write(out, r.toJson(), true)) {
            err().println(name() + ": " + Results.divergedLine(out) + "; no figure");
            return 1;
        }
        LanguageUndoFigure.write(r, figure);
        o.printf(Locale.ROOT, "wrote %s, %s and the pretrained model in %s (%.0f s)%n", out, figure, r.pretrainedDir(), r.seconds());
        return 0;
    }
}
