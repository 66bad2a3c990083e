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
                .append(run.containsKey("distributed") && !run.containsKey("steps") ? "); numbers are medians.\n"
                        : "). Every peer was measured in the same run, alternating with Sluice; numbers are medians.\n");
        if (run.get("isa_runs") instanceof List<?> runs) {
            md.append("\nEach instruction set below ran in its own JVM, started with the HotSpot flags shown (on an AVX-512 ")
                    .append("machine, `-XX:UseAVX=2` gives the JVM of an AVX2 machine: 256-bit vectors, 16 registers); the ")
                    .append("peers were held to the same level through the environment shown.\n");
            for (Object o : runs) {
                Map<String, Object> r = (Map<String, Object>) o;
                md.append("\n## ").append(r.get("isa")).append(" (`").append(r.get("jvm_flags")).append("`)\n\n");
                if (r.get("unavailable") != null) {
                    md.append("Not measured: ").append(r.get("unavailable")).append(".\n");
                    continue;
                }
                md.append(machine(r));
                if (r.get("peer_environment") instanceof Map<?, ?> env && !env.isEmpty()) {
                    md.append(" Peers' environment: `").append(env.toString().replaceAll("[{}]", "")).append("`.");
                }
                md.append("\n");
                sections(md, r, "###");
            }
        } else {
            md.append("\n").append(machine(run)).append("\n");
            sections(md, run, "##");
        }
        return md.toString();
    }

    /** One line: CPU model, SIMD flags, caches, the JVM's vector settings and the kernels chosen from them. */
    private static String machine(Map<String, Object> r) {
        return "CPU: " + r.get("cpu_model") + " (" + r.get("cpu_simd_flags") + "; L1d " + r.get("l1d_kib") + " KiB, L2 "
                + r.get("l2_kib") + " KiB). JVM: UseAVX=" + r.get("jvm_use_avx") + ", MaxVectorSize="
                + r.get("jvm_max_vector_bytes") + ". Sluice kernels `" + r.get("kernels") + "`: " + r.get("kernel_details") + ".";
    }

    @SuppressWarnings("unchecked")
    private static void sections(StringBuilder md, Map<String, Object> run, String h) {
        if (run.get("gemm") instanceof Map<?, ?> gemm) {
            md.append("\n").append(h).append(" SGEMM vs ").append(gemm.get("peer")).append("\n\n");
            md.append("GFLOP/s; % roof = Sluice's share of the FMA roof measured in the same run (");
            if (gemm.get("fma_roof_gflops_by_threads") instanceof Map<?, ?> roofs) {
                roofs.forEach((t, v) -> md.append(t).append(" thread").append("1".equals(t) ? "" : "s").append(": ")
                        .append(fmt(v, "%.0f")).append(" GFLOP/s; "));
            }
            md.append("independent vector fmas, no memory); ratio = Sluice speed / OpenBLAS speed (target ≥ 0.9); max rel ")
                    .append("diff = largest difference between the two results relative to the largest entry.\n\n");
            md.append("| case | layout | m | n | k | batch | threads | Sluice | % roof | OpenBLAS | ratio | max rel diff |\n");
            md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Object o : (List<Object>) gemm.get("rows")) {
                Map<String, Object> r = (Map<String, Object>) o;
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %.1f | %s | %s | %s | %s |%n",
                        r.get("case"), r.get("layout"), r.get("m"), r.get("n"), r.get("k"), r.get("batch"), r.get("threads"),
                        num(r.get("sluice_gflops")), r.get("sluice_share_of_fma_roof") == null ? "n/a"
                                : String.format(Locale.ROOT, "%.0f%%", 100 * num(r.get("sluice_share_of_fma_roof"))),
                        fmt(r.get("peer_gflops"), "%.1f"), fmt(r.get("ratio"), "**%.2f**"), fmt(r.get("max_rel_diff"), "%.1e")));
            }
        }
        if (run.get("memory") instanceof Map<?, ?> memory && memory.get("rows") instanceof List<?> mem) {
            md.append("\n").append(h).append(" Memory-bound kernels vs copy bandwidth and ").append(memory.get("peer")).append("\n\n");
            Object elements = mem.isEmpty() ? "?" : ((Map<String, Object>) mem.get(0)).get("elements");
            md.append(String.format(Locale.ROOT, "%,d", num(elements) > 0 ? (long) num(elements) : 0)).append(" floats (rows of 1024) in reused buffers; GB/s counts each compulsory read and write once; ")
                    .append("ratio to the copy measured in the same run (target ≥ 0.80, or 80% of the compute bound); ")
                    .append("PyTorch runs the same kernels on the same sizes into preallocated outputs ")
                    .append("(`bench/torch_memory.py`); Sluice / PyTorch above 1 means Sluice is faster.\n\n");
            md.append("| kernel | threads | GB/s | ratio to copy | PyTorch GB/s | Sluice / PyTorch |\n|---|---:|---:|---:|---:|---:|\n");
            for (Object o : mem) {
                Map<String, Object> r = (Map<String, Object>) o;
                md.append(String.format(Locale.ROOT, "| %s | %s | %.1f | **%.2f** | %s | %s |%n", r.get("kernel"), r.get("threads"),
                        num(r.get("gbps")), num(r.get("ratio_to_copy")), fmt(r.get("peer_gbps"), "%.1f"),
                        fmt(r.get("ratio_to_peer"), "**%.2f**")));
            }
        }
        if (run.get("distributed") instanceof Map<?, ?> d) distributed(md, (Map<String, Object>) d, h);
        if (run.get("steps") instanceof List<?> steps) {
            md.append("\n").append(h).append(" Training steps vs PyTorch\n\n");
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
    }

    /**
     * {@code bench distributed}: one row per transport, rank count and model size, with the ring's bytes against the
     * textbook figure.
     */
    @SuppressWarnings("unchecked")
    private static void distributed(StringBuilder md, Map<String, Object> d, String h) {
        md.append("\n").append(h).append(" Data-parallel scaling\n\n");
        md.append("Model: ").append(d.get("model")).append(", ").append(d.get("batch_per_rank"))
                .append(" examples per rank per step; ranks: ").append(d.get("ranks")).append(", sharing ")
                .append(d.get("kernel_threads_shared_by_all_ranks")).append(" kernel thread(s). Step: median wall time of ")
                .append("a `DistributedTrainer` step (forward, backward, all-reduce, AdamW) with the ranks in lockstep; ")
                .append("in-step all-reduce: the time a rank spends inside it (mean over ranks, waiting for slower ranks ")
                .append("included); all-reduce alone: a `sumInPlace` of the step's buffer with the ranks otherwise idle; bus ")
                .append("GB/s = 2(N−1)/N·4·length / time; bytes: what each rank sent per step as the ring counts them ")
                .append("(36-byte headers included), mean over ranks and the busiest rank, against the textbook ring's ")
                .append("2(N−1)/N·4·length. More ranks than cores share the cores, which inflates the step times.\n\n");
        md.append("| transport | N | parameters | step ms | in-step all-reduce ms | all-reduce alone ms | bus GB/s | ")
                .append("MB sent per rank: mean | busiest | textbook 2(N−1)/N·size |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Object o : (List<Object>) d.get("rows")) {
            Map<String, Object> r = (Map<String, Object>) o;
            String head = String.format(Locale.ROOT, "| %s | %s | %,d |", r.get("transport"), r.get("workers"),
                    (long) num(r.get("parameters")));
            if (r.get("skipped") != null) {
                md.append(head).append(" skipped: ").append(r.get("skipped")).append(" | | | | | | |\n");
                continue;
            }
            md.append(head).append(String.format(Locale.ROOT, " %.1f | %.1f | %.2f | %s | %s | %s | %.3f |%n",
                    num(r.get("step_ms")), num(r.get("in_step_allreduce_ms")), num(r.get("allreduce_ms")),
                    fmt(r.get("allreduce_bus_gbps"), "%.2f"), r.get("step_bytes_mean") == null ? "—"
                            : fmt(num(r.get("step_bytes_mean")) / 1e6, "%.3f"),
                    r.get("step_bytes_max") == null ? "—" : fmt(num(r.get("step_bytes_max")) / 1e6, "%.3f"),
                    num(r.get("theoretical_bytes_per_rank")) / 1e6));
        }
    }

    private static double num(Object o) { return ((Number) o).doubleValue(); }

    private static String fmt(Object o, String format) {
        return o == null ? "n/a" : String.format(Locale.ROOT, format, num(o));
    }
}
