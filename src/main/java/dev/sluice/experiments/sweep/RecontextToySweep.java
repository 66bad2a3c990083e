package dev.sluice.experiments.sweep;

import dev.sluice.experiments.recontext.ToyReproduction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recontextualization toy with expert iteration, the number of rounds swept: what
 * {@code sluice recontext toy --seed S --rounds R} runs (the prior, then the six generation→training pairs).
 */
final class RecontextToySweep implements SweepExperiment {
    @Override
    public String name() { return "recontext-toy"; }

    @Override
    public String command() { return "recontext toy"; }

    @Override
    public Map<String, Double> parameters() {
        Map<String, Double> p = new LinkedHashMap<>();
        p.put("rounds", (double) ToyReproduction.Config.defaults().rounds());
        return p;
    }

    static int rounds(SweepPoint point) {
        double r = point.param("rounds");
        if (r != Math.rint(r) || r < 1) throw new IllegalArgumentException("rounds must be a positive integer, got " + r);
        return (int) r;
    }

    @Override
    public List<String> commandArgs(SweepPoint point) {
        List<String> a = new ArrayList<>(List.of("--seed", String.valueOf(point.seed()), "--rounds", String.valueOf(rounds(point))));
        if (point.quick()) a.add("--quick");
        return a;
    }

    @Override
    public Map<String, Object> run(SweepPoint point) {
        var d = ToyReproduction.Config.defaults();
        var cfg = d.withSeed(point.seed()).withBudget(d.priorSteps(), rounds(point), d.grpoSteps());
        if (point.quick()) cfg = cfg.quick();
        Map<String, Object> json = new LinkedHashMap<>(ToyReproduction.run(cfg, p -> {}).toJson());
        json.remove("seconds");
        return json;
    }

    @Override
    public List<Column> columns() {
        return List.of(
                new Column("standard hack", "pairs/kind=standard&generation=Neutral/end/neutral/hack"),
                new Column("standard correct", "pairs/kind=standard&generation=Neutral/end/neutral/correct"),
                new Column("recon NoHack->HackOK hack", "pairs/kind=recon&generation=NoHack&training=HackOK/end/neutral/hack"),
                new Column("recon NoHack->HackOK correct", "pairs/kind=recon&generation=NoHack&training=HackOK/end/neutral/correct"),
                new Column("reverse hack", "pairs/kind=reverse/end/neutral/hack"));
    }

    @Override
    public Column figureMetric() { return columns().get(2); }
}
