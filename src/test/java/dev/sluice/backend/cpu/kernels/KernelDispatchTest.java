package dev.sluice.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Choice of kernels: overrides, automatic detection and warnings (the class-path case is in ClassPathFallbackTest). */
class KernelDispatchTest {
    private static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    @Test
    void scalarOverrideFromThePropertyPicksTheReferenceWithoutWarning() {
        String before = System.getProperty("sluice.kernels");
        System.setProperty("sluice.kernels", "Scalar ");
        try {
            List<String> warnings = new ArrayList<>();
            Float32Kernels k = KernelDispatch.select(KernelDispatch.configuredOverride(), warnings::add);
            assertSame(KernelDispatch.scalar(), k);
            assertEquals("scalar", k.name());
            assertEquals(List.of(), warnings);
        } finally {
            if (before == null) System.clearProperty("sluice.kernels");
            else System.setProperty("sluice.kernels", before);
        }
    }

    @Test
    void vectorOverrideLoadsTheVectorKernelsWhenTheModuleIsThere() {
        assumeTrue(vectorModulePresent());
        List<String> warnings = new ArrayList<>();
        Float32Kernels k = KernelDispatch.select("vector", warnings::add);
        assertTrue(k.name().startsWith("vector-"), k.name());
        assertEquals(List.of(), warnings);
    }

    @Test
    void automaticChoiceMatchesTheVectorWidth() {
        assumeTrue(vectorModulePresent());
        List<String> warnings = new ArrayList<>();
        Float32Kernels k = KernelDispatch.select(null, warnings::add);
        if (VectorFloat32Kernels.preferredBits() >= 128 && dev.sluice.backend.cpu.CpuFeatures.get().fmaInHardware()) {
            assertTrue(k.name().startsWith("vector-"), k.name());
            assertEquals(List.of(), warnings);
        } else {
            assertSame(KernelDispatch.scalar(), k);
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).startsWith(KernelDispatch.WARNING_PREFIX), warnings.get(0));
        }
    }

    @Test
    void unknownOverrideIsReportedAndIgnored() {
        List<String> warnings = new ArrayList<>();
        Float32Kernels k = KernelDispatch.select("avx9000", warnings::add);
        assertTrue(warnings.get(0).contains("avx9000"), warnings.toString());
        assertTrue(k.name().equals("scalar") || k.name().startsWith("vector-"), k.name());
    }

    @Test
    void float32IsChosenOnce() {
        assertSame(KernelDispatch.float32(), KernelDispatch.float32());
        assertSame(KernelDispatch.scalar(), KernelDispatch.scalar());
    }
}
