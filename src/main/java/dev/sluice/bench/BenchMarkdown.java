package dev.sluice.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a benchmark run (the JSON map of {@code sluice bench}) as the Markdown tables of {@code bench/RESULTS.md}. */
public final class BenchMarkdown {
    private BenchMarkdown() {}

    @SuppressWarnings("unchecked")
    public static String render(Map<String, Object> run, String command) {
        StringBuilder md = new StringBuilder();
        md.append("# Sluice CPU benchmark results\n\n");
        md.append("Produced by `").append(command).append("` on ").append(run.get("date")).append(" — Java ")
                .append(run.get("java")).append(", ").append(run.get("cpus")).append(" CPUs (").append(run.get("os_arch"))
                .append("), Sluice kernels `").append(run.get("kernels")).append("`. Every peer was measured in the same run, ")
                .append("alternating with Sluice; numbers are medians.\n");
        if (run.get("gemm") instanceof Map<?, ?> gemm) {
            md.append("\n## SGEMM vs ").append(gemm.get("peer")).append("\n\n");
            md.append("GFLOP/s; ratio = Sluice speed / OpenBLAS speed (target ≥ 0.75); max rel diff = largest ")
                    .append("difference between the two results relative to the largest entry.\n\n");
            md.append("| case | layout | m | n | k | batch | threads | Sluice | OpenBLAS | ratio | max rel diff |\n");
            md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Object o : (List<Object>) gemm.get("rows")) {
                Map<String, Object> r = (Map<String, Object>) o;
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %.1f | %s | %s | %s |%n",
                        r.get("case"), r.get("layout"), r.get("m"), r.get("n"), r.get("k"), r.get("batch"), r.get("threads"),
                        num(r.get("sluice_gflops")), fmt(r.get("peer_gflops"), "%.1f"), fmt(r.get("ratio"), "**%.2f**"),
                        fmt(r.get("max_rel_diff"), "%.1e")));
            }
        }
        if (run.get("memory") instanceof List<?> mem) {
            md.append("\n## Memory-bound kernels vs copy bandwidth\n\n");
            Object elements = mem.isEmpty() ? "?" : ((Map<String, Object>) mem.get(0)).get("elements");
            md.append(String.format(Locale.ROOT, "%,d", num(elements) > 0 ? (long) num(elements) : 0)).append(" floats (rows of 1024) in reused buffers; GB/s counts each compulsory read and write once; ")
                    .append("ratio to the copy measured in the same run (target ≥ 0.80).\n\n");
            md.append("| kernel | threads | GB/s | ratio to copy |\n|---|---:|---:|---:|\n");
            for (Object o : mem) {
                Map<String, Object> r = (Map<String, Object>) o;
                md.append(String.format(Locale.ROOT, "| %s | %s | %.1f | **%.2f** |%n", r.get("kernel"), r.get("threads"),
                        num(r.get("gbps")), num(r.get("ratio_to_copy"))));
            }
        }
        if (run.get("steps") instanceof List<?> steps) {
            md.append("\n## Training steps vs PyTorch\n\n");
            md.append("Median milliseconds per step (forward, loss, backward, optimizer); ratio = Sluice time / PyTorch ")
                    .append("time (target ≤ 1.0). Shapes: `bench/torch_steps.py`.\n\n");
            md.append("| model | threads | Sluice ms | PyTorch ms | ratio | Sluice MB allocated per step | peer |\n")
                    .append("|---|---:|---:|---:|---:|---:|---|\n");
            for (Object o : steps) {
                Map<String, Object> r = (Map<String, Object>) o;
                md.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %s | %s | %.1f | %s |%n", r.get("model"), r.get("threads"),
                        num(r.get("sluice_ms")), fmt(r.get("peer_ms"), "%.1f"), fmt(r.get("time_ratio"), "**%.2f**"),
                        num(r.get("sluice_allocated_mb_per_step")), r.get("peer")));
            }
        }
        return md.toString();
    }

    private static double num(Object o) { return ((Number) o).doubleValue(); }

    private static String fmt(Object o, String format) {
        return o == null ? "n/a" : String.format(Locale.ROOT, format, num(o));
    }
}
