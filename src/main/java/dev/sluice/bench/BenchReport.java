package dev.sluice.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON form of a benchmark run: the machine, the kernels, and every measured row with its peer. */
public final class BenchReport {
    private BenchReport() {}

    /** Date, Java, CPU count and kernel name: what a reader needs to reproduce the numbers. */
    public static Map<String, Object> header(String kernels) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("date", Instant.now().toString());
        json.put("java", Runtime.version().toString());
        json.put("cpus", Runtime.getRuntime().availableProcessors());
        json.put("os_arch", System.getProperty("os.arch"));
        json.put("kernels", kernels);
        return json;
    }

    public static Map<String, Object> gemm(String peer, List<GemmBench.Row> rows) {
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
            m.put("peer_gflops", Double.isNaN(r.peerSeconds()) ? null : r.peerGflops());
            m.put("ratio", Double.isNaN(r.peerSeconds()) ? null : r.ratio());
            m.put("max_rel_diff", Double.isNaN(r.maxRelDiff()) ? null : r.maxRelDiff());
            g.add(m);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("peer", peer);
        json.put("rows", g);
        return json;
    }

    public static List<Object> memory(List<MemoryBench.Row> rows) {
        List<Object> mem = new ArrayList<>();
        for (MemoryBench.Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kernel", r.kernel());
            m.put("threads", r.threads());
            m.put("elements", r.elements());
            m.put("gbps", r.gbps());
            m.put("ratio_to_copy", r.ratioToCopy());
            mem.add(m);
        }
        return mem;
    }
}
