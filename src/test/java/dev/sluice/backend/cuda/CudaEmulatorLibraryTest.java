package dev.sluice.backend.cuda;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/** The CUDA emulator's kernel table is read from the .cu sources; it must list exactly the fatbin's kernels. */
class CudaEmulatorLibraryTest {
    @Test
    void theKernelTableFromTheSourcesIsTheFatbinsKernelSet() throws IOException {
        List<String> fromSources = CudaEmulatorLibrary.kernelNames(Path.of("native"));
        assertEquals(new TreeSet<>(fromSources).size(), fromSources.size(), "a kernel defined twice: " + fromSources);
        assertEquals(KernelSignature.parse(CudaModule.image()).keySet(), new TreeSet<>(fromSources));
        List<String> selftest = CudaEmulatorLibrary.kernelNames(Path.of("native/emu"));
        assertEquals(List.of("sl_selftest_divergent_barrier", "sl_selftest_missing_barrier", "sl_selftest_with_barrier",
                "sl_selftest_shuffle", "sl_selftest_out_of_bounds", "sl_selftest_stack_overflow", "sl_selftest_two_barriers"), selftest);
    }
}
