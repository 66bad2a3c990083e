package dev.sluice.backend.cuda;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * GPU tests call {@link #require()} first: without a usable GPU the test is skipped with the reason (no driver, no
 * device, ...), unless SLUICE_REQUIRE_GPU=1, which turns the skip into a failure (for runs on a GPU machine).
 */
public final class GpuRequirement {
    private GpuRequirement() {}

    public static void require() {
        String reason = CudaAvailability.unavailableReason();
        if (reason == null) return;
        String message = "GPU unavailable: " + reason;
        if ("1".equals(System.getenv("SLUICE_REQUIRE_GPU"))) Assertions.fail(message + " (SLUICE_REQUIRE_GPU=1)");
        Assumptions.abort(message);
    }
}
