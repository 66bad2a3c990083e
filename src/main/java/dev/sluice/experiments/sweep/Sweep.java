package dev.sluice.experiments.sweep;

import dev.sluice.experiments.plot.LineChart;
import dev.sluice.experiments.plot.Png;
import dev.sluice.io.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A grid of reproduction configs (seeds × parameter values) run one config at a time by a {@link SweepBackend} and
 * gathered into one table: JSON (every config's full result), markdown (one row per config, then the mean over seeds
 * per parameter setting) and a PNG of one metric against the first parameter.
 *
 * <p>Each config runs exactly as its single-config command would ({@link SweepExperiment#commandArgs}), so a row can be
 * checked by running that command alone; the backend only decides where.
 */
public final class Sweep {
    private Sweep() {}

    /** The experiments a sweep can run, by name. */
    public static final Map<String, SweepExperiment> EXPERIMENTS;
    static {
        Map<String, SweepExperiment> m = new LinkedHashMap<>();
        for (SweepExperiment e : List.<SweepExperiment>of(new UndoArithmeticSweep(), new RecontextToySweep())) m.put(e.name(), e);
        EXPERIMENTS = java.util.Collections.unmodifiableMap(m);
    }

    /** The experiment called {@code name}; the error names the others. */
    public static SweepExperiment experiment(String name) {
        SweepExperiment e = EXPERIMENTS.get(name);
        if (e == null) throw new IllegalArgumentException("no sweepable experiment '" + name + "'; have " + EXPERIMENTS.keySet());
        return e;
    }

    /** Runs the configs one after another in this JVM. */
    public static final SweepBackend LOCAL = new SweepBackend() {
        @Override
        public String name() { return "local"; }

        @Override
        public List<String> runAll(List<SweepPoint> points, String master, Consumer<String> progress) {
            List<String> out = new ArrayList<>();
            for (SweepPoint p : points) {
                long t0 = System.nanoTime();
                out.add(runOne(p));
                progress.accept(String.format(Locale.ROOT, "%s done (%.1f s)", p.label(), (System.nanoTime() - t0) / 1e9));
            }
            return out;
        }
    };

    /** The backend for {@code name} ("local", or one found by ServiceLoader such as "spark"); the error says what is missing. */
    public static SweepBackend backend(String name) {
        if (name.equals("local")) return LOCAL;
        List<String> found = new ArrayList<>();
        for (SweepBackend b : ServiceLoader.load(SweepBackend.class, Sweep.class.getClassLoader())) {
            if (b.name().equals(name)) return b;
            found.add(b.name());
        }
        throw new IllegalStateException("no '" + name + "' sweep backend on the class path (found: local" + (found.isEmpty() ? "" : ", " + String.join(", ", found))
                + "): the Spark backend is the sluice-spark artifact, with Spark on the class path (./sluice sweep ... --master M sets that up)");
    }

    /** One config's result as JSON text: what a backend sends back (non-finite numbers as null). */
    public static String runOne(SweepPoint point) {
        return resultText(experiment(point.experiment()).run(point));
    }

    /** The canonical text of a result map. */
    public static String resultText(Map<String, Object> result) {
        return Json.writeNonFiniteAsNull(result, false);
    }

    /**
     * The grid: every combination of the parameters' values (the first parameter outermost) and, innermost, every
     * seed. Parameters not in {@code values} take the experiment's default.
     */
    public static List<SweepPoint> grid(SweepExperiment e, List<Long> seeds, Map<String, List<Double>> values, boolean quick) {
        for (String k : values.keySet()) {
            if (!e.parameters().containsKey(k)) throw new IllegalArgumentException(e.name() + " has no parameter '" + k + "'; it has " + e.parameters().keySet());
        }
        if (seeds.isEmpty()) throw new IllegalArgumentException("a sweep needs at least one seed");
        List<Map<String, Double>> combos = new ArrayList<>();
        combos.add(new LinkedHashMap<>());
        for (var p : e.parameters().entrySet()) {
            List<Double> vs = values.getOrDefault(p.getKey(), List.of(p.getValue()));
            if (vs.isEmpty()) throw new IllegalArgumentException("parameter '" + p.getKey() + "' has no values");
            List<Map<String, Double>> next = new ArrayList<>();
            for (var c : combos) {
                for (double v : vs) {
                    Map<String, Double> m = new LinkedHashMap<>(c);
                    m.put(p.getKey(), v);
                    next.add(m);
                }
            }
            combos = next;
        }
        List<SweepPoint> points = new ArrayList<>();
        for (var c : combos) for (long s : seeds) points.add(new SweepPoint(e.name(), s, c, quick));
        return points;
    }

    /** "0-7" (inclusive), "1,4,9" or a mix ("0-3,10"). */
    public static List<Long> parseSeeds(String text) {
        List<Long> seeds = new ArrayList<>();
        for (String part : text.split(",")) {
            String t = part.strip();
            int dash = t.indexOf('-', 1);
            try {
                if (dash > 0) {
                    long lo = Long.parseLong(t.substring(0, dash).strip()), hi = Long.parseLong(t.substring(dash + 1).strip());
                    if (hi < lo || hi - lo > 100_000) throw new IllegalArgumentException("--seeds: bad range '" + t + "'");
                    for (long s = lo; s <= hi; s++) seeds.add(s);
                } else {
                    seeds.add(Long.parseLong(t));
                }
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("--seeds: '" + t + "' is not a seed or a range like 0-7");
            }
        }
        if (seeds.stream().distinct().count() != seeds.size()) throw new IllegalArgumentException("--seeds: a seed is listed twice in '" + text + "'");
        return seeds;
    }

    /** A number as the tables write it: integers without ".0", others as Java's shortest round-trip text. */
    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : Double.toString(v);
    }

    /** The gathered results: one row per point, in grid order. */
    public record Table(SweepExperiment experiment, List<SweepPoint> points, List<Map<String, Object>> results, String backend, String master, double seconds) {
        /** Builds the table from a backend's result texts. */
        public static Table of(SweepExperiment e, List<SweepPoint> points, List<String> texts, String backend, String master, double seconds) {
            if (texts.size() != points.size()) throw new IllegalStateException("the backend returned " + texts.size() + " results for " + points.size() + " configs");
            List<Map<String, Object>> rs = new ArrayList<>();
            for (String t : texts) {
                @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) Json.parse(t);
                rs.add(m);
            }
            return new Table(e, List.copyOf(points), List.copyOf(rs), backend, master, seconds);
        }

        /** A metric of row {@code i} (NaN where the result has null there: a diverged run). */
        public double metric(int i, SweepExperiment.Column c) {
            Object v = resolve(results.get(i), c.path(), points.get(i));
            return v == null ? Double.NaN : ((Number) v).doubleValue();
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sweep", experiment.name());
            m.put("backend", backend);
            if (master != null) m.put("master", master);
            m.put("configs", points.size());
            m.put("seconds", seconds);
            List<Object> rows = new ArrayList<>();
            for (int i = 0; i < points.size(); i++) {
                Map<String, Object> r = points.get(i).toJson();
                r.put("command", "sluice " + experiment.command() + " " + String.join(" ", experiment.commandArgs(points.get(i))));
                r.put("result", results.get(i));
                rows.add(r);
            }
            m.put("rows", rows);
            return m;
        }

        public String markdown() {
            StringBuilder b = new StringBuilder();
            List<String> params = new ArrayList<>(experiment.parameters().keySet());
            List<SweepExperiment.Column> cols = experiment.columns();
            b.append("# Sweep: ").append(experiment.name()).append(String.format(Locale.ROOT, " (%d configs, %s%s, %.0f s)%n%n",
                    points.size(), backend, master == null ? "" : " " + master, seconds));
            header(b, "seed", params, cols);
            for (int i = 0; i < points.size(); i++) {
                SweepPoint p = points.get(i);
                b.append("| ").append(p.seed());
                for (String k : params) b.append(" | ").append(number(p.param(k)));
                for (var c : cols) b.append(" | ").append(cell(metric(i, c)));
                b.append(" |\n");
            }
            b.append("\nMean over seeds (± standard deviation):\n\n");
            header(b, "seeds", params, cols);
            for (var g : groups().entrySet()) {
                List<Integer> rows = g.getValue();
                b.append("| ").append(rows.size());
                for (String k : params) b.append(" | ").append(number(points.get(rows.get(0)).param(k)));
                for (var c : cols) {
                    double[] v = rows.stream().mapToDouble(i -> metric(i, c)).toArray();
                    b.append(" | ").append(cell(mean(v))).append(v.length > 1 ? " ± " + cell(std(v)) : "");
                }
                b.append(" |\n");
            }
            return b.toString();
        }

        /** Rows grouped by parameter setting (grid order). */
        Map<List<Double>, List<Integer>> groups() {
            Map<List<Double>, List<Integer>> g = new LinkedHashMap<>();
            for (int i = 0; i < points.size(); i++) g.computeIfAbsent(List.copyOf(points.get(i).params().values()), k -> new ArrayList<>()).add(i);
            return g;
        }

        /** The figure metric against the first parameter (or the seed when nothing else is swept): each seed and the mean. */
        public void writeFigure(Path png) throws IOException {
            SweepExperiment.Column c = experiment.figureMetric();
            String xName = experiment.parameters().isEmpty() ? null : experiment.parameters().keySet().iterator().next();
            LineChart chart = new LineChart(xName == null ? "seed" : xName, c.title());
            if (xName == null) {
                double[] x = new double[points.size()], y = new double[points.size()];
                for (int i = 0; i < x.length; i++) { x[i] = points.get(i).seed(); y[i] = metric(i, c); }
                chart.line(c.title(), x, y, false);
            } else {
                Map<Long, TreeMap<Double, Double>> perSeed = new TreeMap<>();
                Map<Double, List<Double>> all = new TreeMap<>();
                for (int i = 0; i < points.size(); i++) {
                    double x = points.get(i).param(xName), y = metric(i, c);
                    perSeed.computeIfAbsent(points.get(i).seed(), k -> new TreeMap<>()).merge(x, y, (a, b2) -> a);
                    all.computeIfAbsent(x, k -> new ArrayList<>()).add(y);
                }
                double[] xs = all.keySet().stream().mapToDouble(Double::doubleValue).toArray();
                double[] ys = all.values().stream().mapToDouble(l -> mean(l.stream().mapToDouble(Double::doubleValue).toArray())).toArray();
                chart.line("mean over seeds", xs, ys, false);
                for (var e : perSeed.entrySet()) {
                    chart.line("seed " + e.getKey(), e.getValue().keySet().stream().mapToDouble(Double::doubleValue).toArray(),
                            e.getValue().values().stream().mapToDouble(Double::doubleValue).toArray(), true);
                }
            }
            Png.write(chart.render(experiment.name() + ": " + c.title()), png);
        }

        private static void header(StringBuilder b, String first, List<String> params, List<SweepExperiment.Column> cols) {
            b.append("| ").append(first);
            for (String k : params) b.append(" | ").append(k);
            for (var c : cols) b.append(" | ").append(c.title());
            b.append(" |\n|");
            for (int i = 0; i < 1 + params.size() + cols.size(); i++) b.append("---:|");
            b.append('\n');
        }

        private static String cell(double v) {
            if (Double.isNaN(v)) return "n/a";
            return v == Math.rint(v) && Math.abs(v) >= 1 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.3f", v);
        }
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    static double std(double[] v) {
        double m = mean(v), s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return Math.sqrt(s / (v.length - 1));
    }

    /** Whether a map has every {@code key=value} of {@code conditions} (joined by {@code &}). */
    private static boolean matches(Map<?, ?> m, String conditions) {
        for (String c : conditions.split("&")) {
            int eq = c.indexOf('=');
            if (eq <= 0 || !c.substring(eq + 1).equals(String.valueOf(m.get(c.substring(0, eq))))) return false;
        }
        return true;
    }

    /** Follows a column path through a result (see {@link SweepExperiment.Column}). */
    static Object resolve(Map<String, Object> result, String path, SweepPoint point) {
        String p = path;
        for (var e : point.params().entrySet()) p = p.replace("{" + e.getKey() + "}", Double.toString(e.getValue()));
        Object at = result;
        for (String seg : p.split("/")) {
            if (at instanceof List<?> list && seg.indexOf('=') > 0) {
                Object found = null;
                for (Object o : list) {
                    if (o instanceof Map<?, ?> m && matches(m, seg)) {
                        if (found != null) throw new IllegalArgumentException("several elements with " + seg + " in the result (path " + p + ")");
                        found = o;
                    }
                }
                if (found == null) throw new IllegalArgumentException("no element with " + seg + " in the result (path " + p + ")");
                at = found;
            } else if (at instanceof Map<?, ?> m && m.containsKey(seg)) {
                at = m.get(seg);
            } else {
                throw new IllegalArgumentException("the result has no '" + seg + "' (path " + p + ")");
            }
        }
        return at;
    }
}
