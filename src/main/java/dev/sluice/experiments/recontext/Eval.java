package dev.sluice.experiments.recontext;

import java.util.LinkedHashMap;
import java.util.Map;

/** A policy's {@link Rates} under the Neutral instruction and under the HackOK instruction. */
public record Eval(Rates neutral, Rates hackOk) {
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("neutral", neutral.toJson());
        m.put("hack_ok", hackOk.toJson());
        return m;
    }
}
