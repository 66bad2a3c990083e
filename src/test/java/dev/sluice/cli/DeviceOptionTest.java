package dev.sluice.cli;

import dev.sluice.backend.cuda.CudaAvailability;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Every command's --device: a bad name or a missing GPU is one line on stderr and exit status 2, no stack trace. */
class DeviceOptionTest {
    private static String[] run(String... args) {
        CliRun r = CliRun.of(args);
        return new String[] {String.valueOf(r.code()), r.err()};
    }

    @Test
    void anUnknownDeviceIsOneLineAndStatusTwo() {
        for (String[] cmd : new String[][] {{"train", "fashion-mnist"}, {"undo", "arithmetic"}, {"routing", "era"}, {"recontext", "lm"}}) {
            String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(cmd), java.util.stream.Stream.of("--device", "tpu"))
                    .toArray(String[]::new);
            String[] r = run(args);
            assertEquals("2", r[0], String.join(" ", args) + ": " + r[1]);
            assertTrue(r[1].startsWith("sluice " + String.join(" ", cmd).replace(" fashion-mnist", "") + ": unknown device 'tpu'"), r[1]);
            assertFalse(r[1].contains("Exception"), r[1]);
            assertEquals(1, r[1].lines().count(), r[1]);
        }
    }

    @Test
    void aMissingGpuIsOneLineAndStatusTwo() {
        Assumptions.assumeTrue(CudaAvailability.unavailableReason() != null, "a GPU (or the emulator) is usable here");
        String[] r = run("undo", "arithmetic", "--device", "cuda");
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].startsWith("sluice undo arithmetic: GPU unavailable: "), r[1]);
        assertFalse(r[1].contains("Exception"), r[1]);
    }
}
