package dev.sluice.experiments.undo;

import dev.sluice.experiments.plot.LineChart;
import dev.sluice.experiments.plot.Png;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** Attack curves of every model: the attacker's best held-out forget accuracy at each evaluated step. */
public final class UndoFigure {
    private UndoFigure() {}

    public static void write(UndoArithmetic.Result r, Path file) throws IOException {
        LineChart chart = new LineChart("relearning-attack steps (fine-tuning on 25% of the forget pairs)",
                "best held-out forget accuracy (over learning rates)");
        double[] x = Arrays.stream(r.config().attackEvalSteps()).asDoubleStream().toArray();
        for (var m : r.models()) {
            chart.line(String.format(Locale.ROOT, "%s (retain acc %.2f, %d steps)", m.name(), m.retainAccuracy(), m.steps()), x, m.attack().best(), false);
        }
        double chance = 1.0 / r.config().modulus();
        double[] c = new double[x.length];
        Arrays.fill(c, chance);
        chart.line(String.format(Locale.ROOT, "chance (1/%d)", r.config().modulus()), x, c, true);
        Png.write(chart.render(String.format(Locale.ROOT, "UNDO on modular arithmetic (p = %d, %s, seed %d): relearning attack",
                r.config().modulus(), r.config().model().name().toLowerCase(), r.config().seed())), file);
    }
}
