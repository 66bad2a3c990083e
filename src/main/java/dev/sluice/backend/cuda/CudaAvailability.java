package dev.sluice.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;

/**
 * Whether CUDA can be used here, and if not, why. Probed once, lazily: nothing CUDA-related is loaded until a CUDA
 * device is first asked for, so CPU-only use never touches JCuda or the driver.
 *
 * <p>The probe first opens {@code libcuda.so.1} through FFM (no driver: a clear reason without loading JCuda), then
 * loads JCuda's driver binding, calls {@code cuInit} and counts devices. {@code SLUICE_CUDA=off} disables CUDA;
 * {@code SLUICE_CUDA=emulate} (or the system property {@code sluice.cuda=emulate}) makes cuda:0 the
 * {@link EmulatedGpu}: the kernels run on the CPU, for tests on machines without a GPU.
 */
public final class CudaAvailability {
    private static boolean probed;
    private static String reason;   // null when available
    private static int deviceCount;
    private static boolean emulated;

    /**
     * JCuda is an optional dependency: CPU-only users never download its natives. The reason names what to add. As a
     * module, Sluice reads it only when it is resolved ({@code requires static}), hence {@code --add-modules}.
     */
    static final String JCUDA_MISSING = "JCuda is not on the class or module path: add org.jcuda:jcuda:12.6.0 and "
            + "org.jcuda:jcuda-natives:12.6.0 (classifier linux-x86_64) to your dependencies, and when Sluice runs as a "
            + "module also --add-modules jcuda (README, \"GPU\")";

    private CudaAvailability() {}

    /** Null when at least one CUDA device can be used, else why not (one sentence, no "GPU unavailable:" prefix). */
    public static synchronized String unavailableReason() {
        if (!probed) {
            reason = probe();
            probed = true;
        }
        return reason;
    }

    public static boolean isAvailable() { return unavailableReason() == null; }

    /** Number of CUDA devices (0 when unavailable). */
    public static synchronized int deviceCount() { return isAvailable() ? deviceCount : 0; }

    /** Whether cuda:0 is the CPU emulator ({@code SLUICE_CUDA=emulate}) rather than a GPU. */
    public static synchronized boolean isEmulated() {
        unavailableReason();
        return emulated;
    }

    private static String probe() {
        String setting = System.getenv("SLUICE_CUDA");
        if (setting == null) setting = System.getProperty("sluice.cuda");
        if (setting != null && (setting.equals("0") || setting.equalsIgnoreCase("off"))) {
            return "CUDA is disabled by SLUICE_CUDA=" + setting;
        }
        if (setting != null && setting.equalsIgnoreCase("emulate")) {
            try {
                CudaEmulatorLibrary.open();
            } catch (IllegalStateException e) {
                return "SLUICE_CUDA=emulate, but " + e.getMessage();
            }
            emulated = true;
            deviceCount = 1;
            return null;
        }
        String driver = driverLibraryProblem();
        if (driver != null) return driver;
        try {
            deviceCount = CudaDriver.initAndCountDevices();
        } catch (NoClassDefFoundError e) {
            return JCUDA_MISSING;
        } catch (LinkageError e) {
            return "JCuda's driver binding could not be loaded: " + firstLine(e);
        } catch (RuntimeException e) {
            return "cuInit failed: " + firstLine(e);
        }
        return deviceCount == 0 ? "the NVIDIA driver reports no CUDA device" : null;
    }

    /** Null when libcuda.so.1 opens, else the reason (no NVIDIA driver installed, or native access not enabled). */
    static String driverLibraryProblem() {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup("libcuda.so.1", arena);
            return null;
        } catch (IllegalArgumentException e) {
            return "the NVIDIA driver library libcuda.so.1 cannot be loaded (no NVIDIA driver on this machine)";
        } catch (IllegalCallerException e) {
            return "native access is not enabled for module dev.sluice (run java with --enable-native-access=dev.sluice)";
        }
    }

    static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        // JCuda's loader lists both attempts; the resource attempt's cause is the useful line
        int at = m.indexOf("as a resource:\n");
        if (at >= 0) {
            String rest = m.substring(at + "as a resource:\n".length());
            int end = rest.indexOf('\n');
            return end < 0 ? rest : rest.substring(0, end);
        }
        int end = m.indexOf('\n');
        return end < 0 ? m : m.substring(0, end);
    }
}
