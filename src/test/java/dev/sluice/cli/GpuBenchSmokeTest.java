package dev.sluice.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * `bench gpu`'s code, run end to end at tiny sizes on cuda:0 (the emulator in the build's second test run, where the
 * timings mean nothing): it must produce every section, so that a GPU's time is not lost to a bug in the benchmark.
 */
class GpuBenchSmokeTest {
    @Test
    @SuppressWarnings("unchecked")
    void theBenchmarkRunsEveryPart() {
        dev.sluice.backend.cuda.GpuRequirement.require();
        Map<String, Object> json = GpuBench.run(GpuBench.Sizes.SMOKE, 0.0);
        assertNotNull(json);
        assertTrue((double) json.get("copyGBps") > 0);
        List<Map<String, Object>> mem = (List<Map<String, Object>>) json.get("memory");
        assertEquals(7, mem.size());
        for (var m : mem) assertTrue((double) m.get("GBps") > 0, m.toString());
        List<Map<String, Object>> gemm = (List<Map<String, Object>>) json.get("gemm");
        assertEquals(1, gemm.size());
        assertTrue((double) gemm.getFirst().get("ownTFLOPs") > 0);
        assertTrue((double) json.get("gptStepMs") > 0);
    }
}
