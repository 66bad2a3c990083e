package dev.sluice.experiments.recontext;

import dev.sluice.experiments.plot.BarChart;
import dev.sluice.experiments.plot.Png;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The LM figure: per pair, hard-coding and correct rates under Neutral after selected rounds (round 0 = prior). */
public final class LmFigure {
    private LmFigure() {}

    public static void write(LmReproduction.Result r, Path file) throws IOException {
        BarChart chart = new BarChart(List.of("P(hard-code the wrong test)", "P(correct)"), "rate under Neutral (held-out problems)");
        for (var p : r.pairs()) {
            int n = p.rounds().size();
            List<Integer> picks = new ArrayList<>(List.of(0));
            for (int k = 1; k <= 4; k++) {
                int round = (int) Math.round((double) k * n / 4);
                if (round > 0 && !picks.contains(round)) picks.add(round);
            }
            List<String> cats = new ArrayList<>();
            double[][] v = new double[2][picks.size()];
            for (int i = 0; i < picks.size(); i++) {
                int round = picks.get(i);
                var rates = round == 0 ? r.prior().neutral() : p.rounds().get(round - 1).eval().neutral();
                cats.add("r" + round);
                v[0][i] = rates.hack();
                v[1][i] = rates.correct();
            }
            chart.panel(new BarChart.Panel(p.pair().name(), cats, v));
        }
        Png.write(chart.render("Recontextualization with a small GPT, expert iteration by round (seed " + r.config().seed() + ")"), file);
    }
}
