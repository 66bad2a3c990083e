package dev.sluice.experiments.recontext;

import java.util.Map;

/** How often a policy hacks (hard-codes, or answers HACK) and how often it is correct, as probabilities. */
public record Rates(double hack, double correct) {
    Map<String, Object> toJson() { return Map.of("hack", hack, "correct", correct); }
}
