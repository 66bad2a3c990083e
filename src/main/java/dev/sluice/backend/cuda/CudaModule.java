package dev.sluice.backend.cuda;

import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/** The kernels of sluice.fatbin (built by native/build, committed as a resource) loaded into one context. */
final class CudaModule {
    static final String RESOURCE = "sluice.fatbin";

    private final CUmodule module;
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final Map<String, String> signatures;

    CudaModule() {
        byte[] image = image();
        signatures = KernelSignature.parse(image);
        module = CudaDriver.loadModule(image);
    }

    /** The kernel's parameter letters from the fatbin's PTX (see {@link KernelSignature}), or null. */
    String signature(String kernel) { return signatures.get(kernel); }

    /** The fatbin's bytes (SASS for sm_80 and sm_90, PTX for compute_90). */
    static byte[] image() {
        try (InputStream in = CudaModule.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("resource " + RESOURCE + " is missing: run native/build");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized CUfunction function(String name) {
        return functions.computeIfAbsent(name, n -> CudaDriver.function(module, n));
    }
}
