package dev.sluice.experiments.recontext;

import dev.sluice.experiments.plot.BarChart;
import dev.sluice.experiments.plot.Png;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The toy figure: hack and correct rates after training, per pair, under the Neutral and the HackOK instruction. */
public final class ToyFigure {
    private ToyFigure() {}

    public static void write(ToyReproduction.Result r, Path file) throws IOException {
        BarChart chart = new BarChart(List.of("P(HACK)", "P(correct)"), "rate (mean over 121 prompts)");
        for (int panel = 0; panel < 2; panel++) {
            List<String> cats = new ArrayList<>();
            int n = r.pairs().size() + 1;
            double[][] v = new double[2][n];
            cats.add("prior");
            Rates p = panel == 0 ? r.prior().neutral() : r.prior().hackOk();
            v[0][0] = p.hack();
            v[1][0] = p.correct();
            for (int i = 0; i < r.pairs().size(); i++) {
                var pr = r.pairs().get(i);
                cats.add(pr.pair().gen().label.charAt(0) + pr.pair().gen().label.substring(1, 2) + ">"
                        + pr.pair().train().label.charAt(0) + pr.pair().train().label.substring(1, 2));
                Rates e = panel == 0 ? pr.end().neutral() : pr.end().hackOk();
                v[0][i + 1] = e.hack();
                v[1][i + 1] = e.correct();
            }
            chart.panel(new BarChart.Panel(panel == 0 ? "evaluated under Neutral" : "evaluated under HackOK", cats, v));
        }
        Png.write(chart.render("Recontextualization toy, " + r.config().trainer().key() + ", seed " + r.config().seed()
                + " (No=NoHack, Ne=Neutral, Ha=HackOK; gen>train)"), file);
    }
}
