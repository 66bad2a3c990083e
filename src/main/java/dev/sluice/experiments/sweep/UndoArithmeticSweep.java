package dev.sluice.experiments.sweep;

import dev.sluice.experiments.undo.UndoArithmetic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * UNDO on modular arithmetic, one noise level α (with β) per config: pretraining, MaxEnt unlearning, shrink-and-perturb
 * with (α, β), distillation and the relearning attack — what {@code sluice undo arithmetic --seed S --alpha A} runs.
 */
final class UndoArithmeticSweep implements SweepExperiment {
    @Override
    public String name() { return "undo-arithmetic"; }

    @Override
    public String command() { return "undo arithmetic"; }

    @Override
    public Map<String, Double> parameters() {
        Map<String, Double> p = new LinkedHashMap<>();
        p.put("alpha", 0.8);
        return p;
    }

    @Override
    public List<String> commandArgs(SweepPoint point) {
        List<String> a = new ArrayList<>(List.of("--seed", String.valueOf(point.seed()), "--alpha", Double.toString(point.param("alpha"))));
        if (point.quick()) a.add("--quick");
        return a;
    }

    static UndoArithmetic.Config config(SweepPoint point) {
        var cfg = UndoArithmetic.Config.defaults().withSeed(point.seed());
        if (point.quick()) cfg = cfg.quick();
        return cfg.withNoise(UndoArithmetic.noiseLevels(List.of(point.param("alpha"))));
    }

    @Override
    public Map<String, Object> run(SweepPoint point) {
        Map<String, Object> json = new LinkedHashMap<>(UndoArithmetic.run(config(point), p -> {}).toJson());
        json.remove("seconds");
        return json;
    }

    @Override
    public List<Column> columns() {
        return List.of(
                new Column("undo retain acc", "models/name=undo-a{alpha}/retain_accuracy"),
                new Column("undo forget acc", "models/name=undo-a{alpha}/forget_accuracy_before_attack"),
                new Column("undo attacked forget acc", "models/name=undo-a{alpha}/best_heldout_forget_accuracy_under_attack"),
                new Column("undo distill steps", "models/name=undo-a{alpha}/steps"),
                new Column("unlearn-only attacked", "models/name=unlearn-only/best_heldout_forget_accuracy_under_attack"),
                new Column("data-filtered attacked", "models/name=data-filtered/best_heldout_forget_accuracy_under_attack"));
    }

    @Override
    public Column figureMetric() { return columns().get(2); }
}
