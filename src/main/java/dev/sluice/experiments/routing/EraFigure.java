package dev.sluice.experiments.routing;

import dev.sluice.experiments.plot.BarChart;
import dev.sluice.experiments.plot.Png;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The ERA figure: per labelling fraction, retain and forget loss after each method and forget loss after the attack. */
public final class EraFigure {
    private EraFigure() {}

    public static void write(ExpandRouteAblate.Result r, Path file) throws IOException {
        BarChart chart = new BarChart(List.of("retain loss after method", "forget loss after method", "forget loss after relearning attack (min)"),
                "held-out loss (nats/token)");
        List<Double> fractions = new ArrayList<>();
        for (var run : r.runs()) if (!fractions.contains(run.labelFraction())) fractions.add(run.labelFraction());
        for (double f : fractions) {
            List<String> cats = new ArrayList<>();
            double[][] v = new double[3][ExpandRouteAblate.Method.values().length];
            int c = 0;
            for (var m : ExpandRouteAblate.Method.values()) {
                var run = r.get(m, f);
                cats.add(m == ExpandRouteAblate.Method.DATA_FILTERING ? "filtering" : m.name().toLowerCase(Locale.ROOT));
                v[0][c] = run.afterMethod().retain();
                v[1][c] = run.afterMethod().forget();
                v[2][c] = run.forgetAfterAttack();
                c++;
            }
            chart.panel(new BarChart.Panel(String.format(Locale.ROOT, "%.0f%% of forget stories labelled", 100 * f), cats, v));
        }
        chart.reference("retain, before ablation", r.reference().retain()).reference("forget, before ablation", r.reference().forget());
        Png.write(chart.render("Expand-Route-Ablate on a small GPT, synthetic stories (seed " + r.config().seed() + ")"), file);
    }
}
