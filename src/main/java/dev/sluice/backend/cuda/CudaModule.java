package dev.sluice.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The kernels of sluice.fatbin (built by native/build, committed as a resource) and their parameter signatures. */
final class CudaModule {
    static final String RESOURCE = "sluice.fatbin";

    private final byte[] image;
    private final Map<String, String> signatures;

    CudaModule() {
        image = image();
        signatures = KernelSignature.parse(image);
    }

    /** The kernel's parameter letters from the fatbin's PTX (see {@link KernelSignature}), or null. */
    String signature(String kernel) { return signatures.get(kernel); }

    /** Every kernel of the fatbin with its signature. */
    Map<String, String> signatures() { return signatures; }

    /** The fatbin's bytes (SASS for sm_80 and sm_90, PTX for compute_90). */
    byte[] bytes() { return image; }

    static byte[] image() {
        try (InputStream in = CudaModule.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("resource " + RESOURCE + " is missing: run native/build");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
