package dev.sluice.bench;

import dev.sluice.backend.cpu.CpuFeatures;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON form of a benchmark run: the machine, the kernels, and every measured row with its peer. */
public final class BenchReport {
    private BenchReport() {}

    /**
     * Date, Java, the CPU (model, SIMD flags, caches), the JVM's vector settings and the kernels chosen from them:
     * what a reader needs to know where the numbers were measured and to reproduce them.
     */
    public static Map<String, Object> header(String kernels, String kernelDetails) {
        CpuFeatures cpu = CpuFeatures.get();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("date", Instant.now().toString());
        json.put("java", Runtime.version().toString());
        json.put("cpus", Runtime.getRuntime().availableProcessors());
        json.put("os_arch", System.getProperty("os.arch"));
        json.put("cpu_model", cpu.model());
        json.put("cpu_simd_flags", String.join(" ", cpu.simdFlags()));
        json.put("l1d_kib", cpu.l1dBytes() >> 10);
        json.put("l2_kib", cpu.l2Bytes() >> 10);
        json.put("jvm_use_avx", cpu.useAvx());
        json.put("jvm_max_vector_bytes", cpu.maxVectorBytes());
        json.put("kernels", kernels);
        json.put("kernel_details", kernelDetails);
        return json;
    }

    public static Map<String, Object> gemm(String peer, Map<Integer, Double> roofs, List<GemmBench.Row> rows) {
        List<Object> g = new ArrayList<>();
        for (GemmBench.Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("case", r.c().name());
            m.put("layout", r.c().layout().name());
            m.put("m", r.c().m());
            m.put("n", r.c().n());
            m.put("k", r.c().k());
            m.put("batch", r.c().batch());
            m.put("threads", r.threads());
            m.put("sluice_gflops", r.sluiceGflops());
            Double roof = roofs.get(r.threads());
            m.put("sluice_share_of_fma_roof", roof == null || roof.isNaN() ? null : r.sluiceGflops() / roof);
            m.put("peer_gflops", Double.isNaN(r.peerSeconds()) ? null : r.peerGflops());
            m.put("ratio", Double.isNaN(r.peerSeconds()) ? null : r.ratio());
            m.put("max_rel_diff", Double.isNaN(r.maxRelDiff()) ? null : r.maxRelDiff());
            g.add(m);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("peer", peer);
        Map<String, Object> roofJson = new LinkedHashMap<>();
        roofs.forEach((t, v) -> roofJson.put(String.valueOf(t), v.isNaN() ? null : v));
        json.put("fma_roof_gflops_by_threads", roofJson);
        json.put("rows", g);
        return json;
    }

    /**
     * The GEMM ladder's rows ({@code bench ladder}): the matrix size, the naive rung's smaller size, the width of the
     * ladder's vectors, the FMA roof per thread count and one entry per timed row.
     */
    public static Map<String, Object> ladder(int size, int naiveSize, int vectorBits, String peer,
                                             Map<Integer, Double> roofs, List<LadderBench.Row> rows) {
        List<Object> out = new ArrayList<>();
        for (LadderBench.Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rung", r.name());
            m.put("size", r.size());
            m.put("threads", r.threads());
            m.put("seconds", r.seconds());
            m.put("best_seconds", r.bestSeconds());
            m.put("gflops", r.gflops());
            m.put("best_gflops", r.bestGflops());
            Double roof = roofs.get(r.threads());
            m.put("best_share_of_fma_roof", roof == null || roof.isNaN() ? null : r.bestGflops() / roof);
            m.put("warmup_seconds", r.warmupSeconds());
            m.put("warmup_calls", r.warmupCalls());
            m.put("warmup_settled", r.warmupStable());
            m.put("sampled_error_in_float32_bounds", Double.isFinite(r.errorInBounds()) ? r.errorInBounds() : null);
            out.add(m);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("size", size);
        json.put("naive_size", naiveSize);
        json.put("vector_bits", vectorBits);
        json.put("peer", peer);
        Map<String, Object> roofJson = new LinkedHashMap<>();
        roofs.forEach((t, v) -> roofJson.put(String.valueOf(t), v.isNaN() ? null : v));
        json.put("fma_roof_gflops_by_threads", roofJson);
        json.put("rows", out);
        return json;
    }

    public static Map<String, Object> memory(String peer, List<MemoryBench.Row> rows) {
        List<Object> mem = new ArrayList<>();
        for (MemoryBench.Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kernel", r.kernel());
            m.put("threads", r.threads());
            m.put("elements", r.elements());
            m.put("gbps", r.gbps());
            m.put("ratio_to_copy", r.ratioToCopy());
            m.put("peer_gbps", Double.isNaN(r.peerGbps()) ? null : r.peerGbps());
            m.put("ratio_to_peer", Double.isNaN(r.peerGbps()) ? null : r.ratioToPeer());
            mem.add(m);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("peer", peer);
        json.put("rows", mem);
        return json;
    }
}
