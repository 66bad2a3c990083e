package dev.sluice.experiments.sweep;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One config of a sweep: an experiment, a seed and a value for each of the experiment's swept parameters. Serializable,
 * so a distributed backend can ship it to a worker as it is.
 *
 * @param experiment the experiment's name ({@link SweepExperiment#name()})
 * @param seed       the seed
 * @param params     parameter name to value, in the experiment's parameter order
 * @param quick      the experiment's smoke-sized budget instead of the reproduction's
 */
public record SweepPoint(String experiment, long seed, Map<String, Double> params, boolean quick) implements Serializable {
    public SweepPoint {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** A parameter's value. */
    public double param(String name) {
        Double v = params.get(name);
        if (v == null) throw new IllegalArgumentException(experiment + " point has no parameter '" + name + "'; has " + params.keySet());
        return v;
    }

    /** "seed 3, alpha 0.6": for progress lines. */
    public String label() {
        StringBuilder b = new StringBuilder("seed ").append(seed);
        for (var e : params.entrySet()) b.append(", ").append(e.getKey()).append(' ').append(Sweep.number(e.getValue()));
        return b.toString();
    }

    /** JSON of the point itself (experiment, seed, params, quick). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("experiment", experiment);
        m.put("seed", seed);
        m.put("params", new LinkedHashMap<>(params));
        m.put("quick", quick);
        return m;
    }

    @Override
    public String toString() { return String.format(Locale.ROOT, "%s(%s%s)", experiment, label(), quick ? ", quick" : ""); }
}
