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

    /**
     * The data-parallel rows ({@code bench distributed}): the model family, the settings, the heap, and per row the
     * times in milliseconds, the ring's bytes per rank (counted, and the transport's expected payload) and the textbook
     * ring's figure.
     */
    public static Map<String, Object> distributed(int kernelThreads, DistributedBench.Settings s, long heapBytesPerParameter,
                                                  long maxHeap, List<DistributedBench.Row> rows) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", "MLP " + DistributedBench.INPUTS + "-w-w-" + DistributedBench.CLASSES
                + " (ReLU, cross-entropy, AdamW lr 1e-3)");
        json.put("ranks", "threads of one JVM, one replica each");
        json.put("kernel_threads_shared_by_all_ranks", kernelThreads);
        json.put("batch_per_rank", s.batchPerRank());
        json.put("warmup_steps", s.warmupSteps());
        json.put("min_steps", s.minSteps());
        json.put("min_allreduce_calls", s.minCalls());
        json.put("min_seconds", s.minSeconds());
        json.put("max_heap_bytes", maxHeap);
        json.put("heap_bytes_per_parameter_and_rank_assumed", heapBytesPerParameter);
        List<Object> out = new ArrayList<>();
        for (DistributedBench.Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("transport", r.transport().label());
            m.put("workers", r.workers());
            m.put("size", r.size().label());
            m.put("width", r.size().width());
            m.put("parameters", r.size().parameters());
            m.put("allreduce_floats", r.size().allReduceFloats());
            m.put("batch_per_rank", r.batchPerRank());
            if (r.skipped() != null) {
                m.put("skipped", r.skipped());
                out.add(m);
                continue;
            }
            m.put("steps", r.steps());
            m.put("allreduce_calls", r.calls());
            m.put("step_ms", 1e3 * r.stepSeconds());
            m.put("step_best_ms", 1e3 * r.stepBestSeconds());
            m.put("in_step_allreduce_ms", 1e3 * r.inStepAllReduceSeconds());
            m.put("allreduce_ms", 1e3 * r.allReduceSeconds());
            m.put("allreduce_best_ms", 1e3 * r.allReduceBestSeconds());
            m.put("allreduce_algorithm_gbps", r.workers() > 1 ? r.algorithmGBps() : null);
            m.put("allreduce_bus_gbps", r.workers() > 1 ? r.busGBps() : null);
            m.put("theoretical_bytes_per_rank", r.theoreticalBytes());
            if (r.stepBytes() != null) {
                List<Object> expected = new ArrayList<>();
                for (int rank = 0; rank < r.workers(); rank++) {
                    expected.add(dev.sluice.distributed.RingAllReduce.expectedPayloadBytes(rank, r.workers(),
                            r.size().allReduceFloats()));
                }
                m.put("step_bytes_per_rank", toList(r.stepBytes()));
                m.put("step_payload_bytes_per_rank", toList(r.stepPayloadBytes()));
                m.put("expected_payload_bytes_per_rank", expected);
                m.put("allreduce_bytes_per_rank", toList(r.callBytes()));
                m.put("step_bytes_mean", r.meanStepBytes());
                m.put("step_bytes_max", r.maxStepBytes());
                m.put("mean_over_theoretical", r.theoreticalBytes() > 0 ? r.meanStepBytes() / r.theoreticalBytes() : null);
                m.put("max_over_theoretical", r.theoreticalBytes() > 0 ? r.maxStepBytes() / r.theoreticalBytes() : null);
            }
            out.add(m);
        }
        json.put("rows", out);
        return json;
    }

    private static List<Object> toList(long[] xs) {
        List<Object> l = new ArrayList<>();
        for (long x : xs) l.add(x);
        return l;
    }
}
