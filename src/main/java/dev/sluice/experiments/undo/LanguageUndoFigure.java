package dev.sluice.experiments.undo;

import dev.sluice.experiments.plot.LineChart;
import dev.sluice.experiments.plot.Png;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** Attack curves of the language demo: the attacker's lowest held-out forget CE at each evaluated step. */
public final class LanguageUndoFigure {
    private LanguageUndoFigure() {}

    public static void write(LanguageUndo.Result r, Path file) throws IOException {
        var cfg = r.config();
        LineChart chart = new LineChart(String.format(Locale.ROOT, "relearning-attack steps (fine-tuning on %s, batch %d x %d tokens)",
                cfg.forgetName(), cfg.attackBatch(), cfg.context()), "lowest held-out forget CE over learning rates (nats)");
        double[] x = Arrays.stream(cfg.attackEvalSteps()).asDoubleStream().toArray();
        double orig = r.get("pretrained").retainCe();
        for (var m : r.attacked()) {
            chart.line(String.format(Locale.ROOT, "%s (retain ppl x%.3f, %d steps)", m.name(), Math.exp(m.retainCe() - orig), m.steps()),
                    x, m.attackedForgetCe(), false);
        }
        double[] pre = new double[x.length], uni = new double[x.length];
        Arrays.fill(pre, r.get("pretrained").forgetCe());
        Arrays.fill(uni, Math.log(r.vocab()));
        chart.line("pretrained, not attacked", x, pre, true);
        chart.line(String.format(Locale.ROOT, "uniform (ln %d)", r.vocab()), x, uni, true);
        Png.write(chart.render(String.format(Locale.ROOT, "UNDO on real text (forget %s, Llama %dx%d, seed %d): relearning attack",
                cfg.forgetName(), cfg.layers(), cfg.hidden(), cfg.seed())), file);
    }
}
