package dev.sluice.experiments.recontext;

import java.util.Map;

/** How often a policy hacks (hard-codes, or answers HACK) and how often it is correct, as probabilities. */
public record Rates(double hack, double correct) {
    Map<String, Object> toJson() {
        // ordered (Map.of's order changes between JVMs, and result files must have the same bytes wherever they ran)
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("hack", hack);
        m.put("correct", correct);
        return m;
    }
}
