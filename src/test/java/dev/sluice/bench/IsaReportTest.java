package dev.sluice.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.backend.cpu.CpuFeatures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The instruction-set levels of {@code sluice bench --isa} and the report that states where each number ran. */
class IsaReportTest {
    @Test
    void levelsParseWithTheirFlagsAndPeerSettings() {
        assertEquals(Isa.AVX2, Isa.parse(" AVX2 "));
        assertEquals(Isa.AVX512, Isa.parse("avx-512"));
        assertEquals(Isa.AVX128, Isa.parse("128"));
        assertEquals(List.of("-XX:UseAVX=1", "-XX:MaxVectorSize=16"), Isa.AVX128.jvmFlags());
        assertEquals("Haswell", Isa.AVX2.peerEnvironment().get("OPENBLAS_CORETYPE"));
        assertEquals("avx2", Isa.AVX2.peerEnvironment().get("ATEN_CPU_CAPABILITY"));
        assertEquals("(none)", Isa.NATIVE.describeFlags());
        var e = assertThrows(IllegalArgumentException.class, () -> Isa.parse("avx9000"));
        assertTrue(e.getMessage().contains("avx9000") && e.getMessage().contains("avx-128"), e.getMessage());
    }

    @Test
    void aLevelTheCpuLacksIsUnavailableWithTheReason() {
        CpuFeatures cpu = CpuFeatures.get();
        assertNull(Isa.NATIVE.unavailableReason(cpu));
        boolean x86 = cpu.arch().equals("amd64") || cpu.arch().equals("x86_64");
        for (Isa level : List.of(Isa.AVX512, Isa.AVX2, Isa.AVX128)) {
            String why = level.unavailableReason(cpu);
            if (!x86) {
                assertNotNull(why, level + " on " + cpu.arch());
            } else if (level == Isa.AVX512 && !cpu.simdFlags().contains("avx512f")) {
                assertTrue(why != null && why.contains("avx512f"), String.valueOf(why));
            } else if (level == Isa.AVX2 && cpu.simdFlags().contains("avx2")) {
                assertNull(why);
            }
        }
    }

    @Test
    void theMarkdownStatesTheMachineOfEachLevelAndSaysWhichWereNotMeasured() {
        Map<String, Object> header = BenchReport.header("vector-256", "GEMM tile 5×16");
        assertTrue(header.containsKey("cpu_model") && header.containsKey("jvm_use_avx") && header.containsKey("cpu_simd_flags"));
        Map<String, Object> measured = new LinkedHashMap<>(header);
        measured.put("isa", "avx2");
        measured.put("jvm_flags", "-XX:UseAVX=2");
        measured.put("peer_environment", Map.of("OPENBLAS_CORETYPE", "Haswell"));
        GemmBench.Case c = new GemmBench.Case("square 8", GemmBench.Layout.NN, 8, 8, 8, 1);
        measured.put("gemm", BenchReport.gemm("OpenBLAS test", Map.of(1, 100.0), List.of(new GemmBench.Row(c, 1, 1e-6, 2e-6, 1e-7))));
        Map<String, Object> missing = new LinkedHashMap<>(Map.of("isa", "avx512", "jvm_flags", "-XX:UseAVX=3",
                "unavailable", "this CPU has no avx512f (Test CPU)"));
        Map<String, Object> run = new LinkedHashMap<>(header);
        run.put("isa_runs", List.of(measured, missing));
        String md = BenchMarkdown.render(run, "./sluice bench gemm --isa avx2,avx512");
        assertTrue(md.contains("## avx2 (`-XX:UseAVX=2`)"), md);
        assertTrue(md.contains("JVM: UseAVX="), md);
        assertTrue(md.contains("OPENBLAS_CORETYPE=Haswell"), md);
        assertTrue(md.contains("| square 8 | NN | 8 | 8 | 8 | 1 | 1 | 1.0 | 1% |"), md); // 1.024 GFLOP/s of a 100 roof
        assertTrue(md.contains("## avx512 (`-XX:UseAVX=3`)") && md.contains("Not measured: this CPU has no avx512f"), md);
    }
}
