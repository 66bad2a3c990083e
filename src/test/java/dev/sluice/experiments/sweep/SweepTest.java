package dev.sluice.experiments.sweep;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The sweep's grid, seeds syntax and table, on results made up here (the Spark module's test runs real configs). */
class SweepTest {
    private final SweepExperiment undo = Sweep.experiment("undo-arithmetic");

    @Test
    void seedsAreRangesListsOrBoth() {
        assertEquals(List.of(0L, 1L, 2L, 3L), Sweep.parseSeeds("0-3"));
        assertEquals(List.of(5L, 0L, 1L, 9L), Sweep.parseSeeds("5,0-1, 9"));
        assertThrows(IllegalArgumentException.class, () -> Sweep.parseSeeds("2-1"));
        assertThrows(IllegalArgumentException.class, () -> Sweep.parseSeeds("1,1"));
    }

    @Test
    void theGridRunsSeedsInnermostAndDefaultsMissingParameters() {
        List<SweepPoint> g = Sweep.grid(undo, List.of(0L, 1L), Map.of("alpha", List.of(0.3, 0.6)), true);
        List<String> labels = g.stream().map(SweepPoint::label).toList();
        assertEquals(List.of("seed 0, alpha 0.3", "seed 1, alpha 0.3", "seed 0, alpha 0.6", "seed 1, alpha 0.6"), labels);
        assertEquals(List.of("--seed", "1", "--alpha", "0.6", "--quick"), undo.commandArgs(g.get(3)));
        List<SweepPoint> d = Sweep.grid(undo, List.of(4L), Map.of(), false);
        assertEquals(1, d.size());
        assertEquals(0.8, d.get(0).param("alpha"));
        assertEquals(List.of("--seed", "4", "--alpha", "0.8"), undo.commandArgs(d.get(0)));
        var e = assertThrows(IllegalArgumentException.class, () -> Sweep.grid(undo, List.of(0L), Map.of("beta", List.of(0.1)), false));
        assertEquals("undo-arithmetic has no parameter 'beta'; it has [alpha]", e.getMessage());
    }

    @Test
    void theToysRoundsAreWholeNumbersOnItsCommandLine() {
        SweepExperiment toy = Sweep.experiment("recontext-toy");
        List<SweepPoint> g = Sweep.grid(toy, List.of(1L), Map.of("rounds", List.of(2.0, 8.0)), true);
        assertEquals(List.of("--seed", "1", "--rounds", "2", "--quick"), toy.commandArgs(g.get(0)));
        assertEquals("seed 1, rounds 8", g.get(1).label());
        SweepPoint half = Sweep.grid(toy, List.of(1L), Map.of("rounds", List.of(2.5)), false).get(0);
        assertThrows(IllegalArgumentException.class, () -> toy.commandArgs(half));
    }

    @Test
    void aColumnPathCanPickAListElementBySeveralKeys() {
        Map<String, Object> a = new LinkedHashMap<>(Map.of("kind", "recon", "generation", "NoHack", "value", 1.0));
        Map<String, Object> b = new LinkedHashMap<>(Map.of("kind", "recon", "generation", "Neutral", "value", 2.0));
        Map<String, Object> result = Map.of("pairs", List.of(a, b));
        SweepPoint p = Sweep.grid(undo, List.of(0L), Map.of(), false).get(0);
        assertEquals(2.0, Sweep.resolve(result, "pairs/kind=recon&generation=Neutral/value", p));
        var e = assertThrows(IllegalArgumentException.class, () -> Sweep.resolve(result, "pairs/kind=recon/value", p));
        assertEquals("several elements with kind=recon in the result (path pairs/kind=recon/value)", e.getMessage());
    }

    /** A result shaped like UndoArithmetic's JSON, with made-up numbers. */
    static Map<String, Object> fakeResult(double alpha, double attacked) {
        List<Object> models = new ArrayList<>();
        for (String name : List.of("unlearn-only", "data-filtered", "undo-a" + alpha)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("retain_accuracy", 0.9);
            m.put("forget_accuracy_before_attack", 0.05);
            m.put("steps", 120L);
            m.put("best_heldout_forget_accuracy_under_attack", name.startsWith("undo") ? attacked : 0.3);
            models.add(m);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("models", models);
        return r;
    }

    @Test
    void theTableHasARowPerConfigAndTheMeanPerSetting() {
        List<SweepPoint> g = Sweep.grid(undo, List.of(0L, 1L), Map.of("alpha", List.of(0.3, 0.8)), true);
        double[] attacked = {0.2, 0.4, 0.1, 0.1};
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < g.size(); i++) texts.add(Sweep.resultText(fakeResult(g.get(i).param("alpha"), attacked[i])));
        Sweep.Table t = Sweep.Table.of(undo, g, texts, "local", null, 1.0);
        assertEquals(0.4, t.metric(1, undo.figureMetric()));
        String md = t.markdown();
        assertTrue(md.contains("| 1 | 0.3 | 0.900 | 0.050 | 0.400 | 120 | 0.300 | 0.300 |"), md);
        assertTrue(md.contains("| 2 | 0.3 | 0.900 ± 0.000 | 0.050 ± 0.000 | 0.300 ± 0.141 |"), md);
        assertTrue(md.contains("| 2 | 0.8 | 0.900 ± 0.000 | 0.050 ± 0.000 | 0.100 ± 0.000 |"), md);
        @SuppressWarnings("unchecked") var rows = (List<Map<String, Object>>) t.toJson().get("rows");
        assertEquals("sluice undo arithmetic --seed 1 --alpha 0.8 --quick", rows.get(3).get("command"));
    }

    @Test
    void aMissingMetricNamesThePath() {
        SweepPoint p = Sweep.grid(undo, List.of(0L), Map.of("alpha", List.of(0.6)), true).get(0);
        Sweep.Table t = Sweep.Table.of(undo, List.of(p), List.of(Sweep.resultText(fakeResult(0.3, 0.1))), "local", null, 1.0);
        var e = assertThrows(IllegalArgumentException.class, () -> t.metric(0, undo.figureMetric()));
        assertTrue(e.getMessage().contains("name=undo-a0.6"), e.getMessage());
    }
}
