package dev.sluice.cli;

import dev.sluice.backend.cuda.CudaAvailability;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code sluice bench gpu} without a GPU, and on the CUDA emulator (whose timings would measure the CPU): one
 * "GPU unavailable: reason" line on stderr and a non-zero exit status.
 */
class BenchGpuTest {
    @Test
    void withoutAGpuItSaysWhyAndExitsNonZero() {
        Assumptions.assumeTrue(CudaAvailability.unavailableReason() != null || CudaAvailability.isEmulated(), "a GPU is usable here");
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
            code = new CommandLine(new Main()).execute("bench", "gpu", "--quick");
        } finally {
            System.setErr(err);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        assertEquals(GpuBench.UNAVAILABLE, code, text);
        assertTrue(text.startsWith("GPU unavailable: "), text);
        assertFalse(text.contains("Exception"), text);
        if (CudaAvailability.isEmulated()) assertTrue(text.contains("CUDA emulator"), text);
    }
}
