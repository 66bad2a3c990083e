package dev.sluice.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.backend.cpu.CpuFeatures;
import org.junit.jupiter.api.Test;

/**
 * The kernels are sized from what the JVM reports: vector width, register count. The build runs the agreement tests
 * again under {@code -XX:UseAVX=2} and {@code -XX:UseAVX=1 -XX:MaxVectorSize=16} (see pom.xml) with
 * {@code sluice.test.expectBits} set; this test makes sure those runs really ran at that width, and that the GEMM
 * tile fits the registers of the width.
 */
class KernelWidthTest {
    @Test
    void theJvmRunsTheKernelsAtTheExpectedWidth() {
        String expected = System.getProperty("sluice.test.expectBits");
        assumeTrue(expected != null, "not a width-specific test run");
        CpuFeatures cpu = CpuFeatures.get();
        int bits = Integer.parseInt(expected);
        boolean x86 = cpu.arch().equals("amd64") || cpu.arch().equals("x86_64");
        assumeTrue(x86, "the width runs emulate narrower x86 vectors with -XX:UseAVX; this is " + cpu.arch());
        assumeTrue(bits != 256 || cpu.simdFlags().contains("avx2"), "the CPU has no AVX2: " + cpu.describe());
        assertEquals(bits, VectorFloat32Kernels.preferredBits(), "vector width under " + cpu.describe());
        assertEquals(bits, VectorGemm.bits(), "GEMM width");
    }

    @Test
    void theGemmTileFitsTheVectorRegisters() {
        int registers = CpuFeatures.get().vectorRegisters(VectorGemm.bits());
        // 2·MR accumulators + at most 3 broadcasts live (split tile) or MR (8-row tile) + 2 B vectors
        int live = GemmMicroKernels.MR == 5 ? 2 * 5 + 3 + 2 : 3 * GemmMicroKernels.MR + 2;
        assertTrue(live <= registers, "tile " + GemmMicroKernels.MR + "×2 needs " + live + " of " + registers + " registers");
        assertEquals(2 * VectorGemm.bits() / 32, GemmMicroKernels.NR, "a tile is two vectors wide");
        if (registers == 16) assertEquals(5, GemmMicroKernels.MR, "16 registers: the 5-row split tile");
        else assertEquals(8, GemmMicroKernels.MR, "32 registers: the 8-row tile");
    }
}
