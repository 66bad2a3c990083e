package dev.sluice.experiments.undo;

import dev.sluice.experiments.plot.LineChart;
import dev.sluice.experiments.plot.Png;
import dev.sluice.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Attack curves of the language demo: the attacker's lowest held-out forget CE at each evaluated step. Drawn from the
 * results JSON, so a saved run can be plotted again ({@link #main}).
 */
public final class LanguageUndoFigure {
    private LanguageUndoFigure() {}

    public static void write(LanguageUndo.Result r, Path file) throws IOException { write(r.toJson(), file); }

    /**
     * Re-plots a saved run: {@code java ... dev.sluice.experiments.undo.LanguageUndoFigure results.json out.png}.
     *
     * @param args the results JSON and the PNG to write
     * @throws IOException if either file fails
     */
    public static void main(String[] args) throws IOException {
        @SuppressWarnings("unchecked") Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(Path.of(args[0])));
        write(json, Path.of(args[1]));
    }

    @SuppressWarnings("unchecked")
    static void write(Map<String, Object> json, Path file) throws IOException {
        Map<String, Object> cfg = (Map<String, Object>) json.get("config");
        List<Map<String, Object>> models = (List<Map<String, Object>>) json.get("models");
        double uniform = num(json.get("uniform_ce"));
        LineChart chart = new LineChart(String.format(Locale.ROOT, "attack steps (batch %s x %s forget tokens)",
                cfg.get("attack_batch"), cfg.get("context")), "lowest held-out forget CE over learning rates (nats)");
        double pretrainedForget = Double.NaN, top = uniform, bottom = Double.MAX_VALUE;
        double[] x = null;
        for (Map<String, Object> m : models) {
            if (m.get("name").equals("pretrained")) pretrainedForget = num(m.get("forget_ce_before_attack"));
            if (!m.containsKey("attack_eval_steps")) continue;
            x = nums(m.get("attack_eval_steps"));
            double[] y = nums(m.get("attacked_forget_ce_per_step"));
            for (double v : y) {
                top = Math.max(top, v);
                bottom = Math.min(bottom, v);
            }
            chart.line(String.format(Locale.ROOT, "%s (retain ppl x%.2f, %s steps)", m.get("name"), num(m.get("retain_perplexity_vs_pretrained")),
                    m.get("steps")), x, y, false);
        }
        if (x == null) throw new IllegalArgumentException("no attacked model in the results");
        bottom = Math.min(bottom, pretrainedForget);
        double[] pre = new double[x.length], uni = new double[x.length];
        java.util.Arrays.fill(pre, pretrainedForget);
        java.util.Arrays.fill(uni, uniform);
        chart.line("pretrained on both languages, before any unlearning", x, pre, true);
        chart.line(String.format(Locale.ROOT, "uniform (ln %.0f)", Math.exp(uniform)), x, uni, true);
        chart.yRange(Math.floor(bottom * 2 - 0.5) / 2, Math.ceil(top * 2 + 0.5) / 2);
        Map<String, Object> model = (Map<String, Object>) json.get("model");
        Png.write(chart.render(String.format(Locale.ROOT, "UNDO on real text (forget %s; Llama %s x %s, seed %s): relearning attack",
                json.get("forget"), model.get("num_hidden_layers"), model.get("hidden_size"), json.get("seed"))), file);
    }

    private static double num(Object o) { return ((Number) o).doubleValue(); }

    private static double[] nums(Object o) { return ((List<?>) o).stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray(); }
}
