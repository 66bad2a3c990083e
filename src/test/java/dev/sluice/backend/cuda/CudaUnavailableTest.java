package dev.sluice.backend.cuda;

import dev.sluice.tensor.Device;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What a machine without an NVIDIA driver sees (this project's development machines and CI): CUDA devices fail with
 * "GPU unavailable: <reason>", JCuda's natives are packaged so that only the driver is missing, and cuBLAS names
 * every library it tried. Skipped where a GPU is present (GpuParityTest covers that side).
 */
class CudaUnavailableTest {
    private static void assumeNoGpu() {
        Assumptions.assumeFalse(CudaAvailability.isAvailable(), "a GPU is present: this test covers machines without one");
    }

    @Test
    void usingACudaDeviceSaysTheGpuIsUnavailableAndWhy() {
        assumeNoGpu();
        String reason = CudaAvailability.unavailableReason();
        assertNotNull(reason);
        var e = assertThrows(UnsupportedOperationException.class, () -> Tensor.ones(2, 2).to(Device.cuda(0)));
        assertTrue(e.getMessage().startsWith("GPU unavailable: "), e.getMessage());
        assertTrue(e.getMessage().contains("cuda:0") && e.getMessage().contains(reason), e.getMessage());
        var z = assertThrows(UnsupportedOperationException.class, () -> Tensor.zerosLike(Tensor.ones(1)).to(Device.cuda(1)));
        assertTrue(z.getMessage().contains("cuda:1"), z.getMessage());
        // the CPU keeps working after a failed CUDA request
        assertEquals(4.0, Tensor.ones(2, 2).sum().item(), 0);
    }

    @Test
    void withoutADriverTheReasonNamesLibcuda() {
        assumeNoGpu();
        Assumptions.assumeTrue(System.getenv("SLUICE_CUDA") == null, "SLUICE_CUDA is set");
        assertTrue(CudaAvailability.unavailableReason().contains("libcuda.so.1"), CudaAvailability.unavailableReason());
    }

    @Test
    void jcudaFindsItsNativeLibraryAndFailsOnlyOnTheMissingDriver() {
        assumeNoGpu();
        // module jcuda must see its natives jar (--patch-module): the failure must be libcuda.so.1, not a missing resource
        LinkageError e = assertThrows(LinkageError.class, CudaDriver::initAndCountDevices);
        String all = String.valueOf(e.getMessage());
        assertFalse(all.contains("No resource found"), all);
        assertTrue(all.contains("libcuda.so.1"), all);
        assertTrue(CudaAvailability.firstLine(e).contains("libcuda.so.1"), CudaAvailability.firstLine(e));
    }

    @Test
    void cublasLoadFailureListsEveryNameTried() {
        var e = assertThrows(Cublas.Unavailable.class, () -> Cublas.load(List.of("libcublas-not-here.so.13", "libcublas-not-here.so.12")));
        assertTrue(e.getMessage().contains("libcublas-not-here.so.13") && e.getMessage().contains("libcublas-not-here.so.12"), e.getMessage());
        assertTrue(e.getMessage().contains("SLUICE_CUBLAS"), e.getMessage());
        assertEquals(List.of("libcublas.so.13", "libcublas.so.12"),
                System.getenv("SLUICE_CUBLAS") == null && System.getProperty("sluice.cublas") == null ? Cublas.candidates() : List.of("libcublas.so.13", "libcublas.so.12"));
    }

    @Test
    void aLibraryWithoutCublasSymbolsIsRejectedByName() {
        // libc opens but has no cublasCreate_v2
        var e = assertThrows(Cublas.Unavailable.class, () -> Cublas.load(List.of("libc.so.6")));
        assertTrue(e.getMessage().contains("libc.so.6 (symbol cublasCreate_v2 not found)"), e.getMessage());
    }
}
