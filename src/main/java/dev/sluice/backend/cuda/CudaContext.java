package dev.sluice.backend.cuda;

/**
 * One GPU as Sluice uses it: its driver ({@link JCudaGpu}: primary context and one stream on which every kernel, copy
 * and cuBLAS call is enqueued in program order; or the {@link EmulatedGpu}), a caching allocator, the kernels'
 * signatures and (when it loads, on a real GPU) a cuBLAS handle.
 */
final class CudaContext {
    final int ordinal;
    final long totalMemory;
    private final GpuDriver driver;
    private final CachingAllocator allocator;
    private final CudaModule module;
    private final Cublas cublas;
    private final String cublasProblem;
    private final long cublasHandle;
    final Cublas.MathMode mathMode;

    CudaContext(int ordinal) {
        this.ordinal = ordinal;
        module = new CudaModule();
        driver = CudaAvailability.isEmulated() ? new EmulatedGpu(module.signatures()) : new JCudaGpu(ordinal, module.bytes());
        totalMemory = driver.totalMemory();
        allocator = new CachingAllocator(driver, () -> {
            System.gc();
            try {
                Thread.sleep(20);   // let the cleaner thread queue the blocks of unreachable tensors
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        mathMode = Cublas.mathMode();
        Cublas c = null;
        String problem = null;
        long handle = 0;
        if (driver.cublasStream() == 0) {
            problem = "cuBLAS does not run on the CUDA emulator";
        } else {
            try {
                c = Cublas.load();
                handle = c.createHandle(driver.cublasStream(), mathMode);
            } catch (RuntimeException e) {
                problem = e.getMessage();
                c = null;
                System.getLogger("dev.sluice").log(System.Logger.Level.WARNING,
                        "sluice: " + problem + "; matrix products use Sluice's own GEMM kernel");
            }
        }
        cublas = c;
        cublasHandle = handle;
        cublasProblem = problem;
    }

    GpuDriver driver() { return driver; }

    void makeCurrent() { driver.makeCurrent(); }

    CachingAllocator allocator() { return allocator; }

    CudaModule module() { return module; }

    /** cuBLAS, or null when it did not load (see {@link #cublasProblem()}). */
    Cublas cublas() { return cublas; }

    long cublasHandle() { return cublasHandle; }

    String cublasProblem() { return cublasProblem; }

    void synchronize() { driver.synchronize(); }

    String describe() {
        String device = driver instanceof EmulatedGpu ? driver.name() + ", " + (totalMemory >> 20) + " MiB limit"
                : driver.name() + " (sm_" + driver.computeMajor() + driver.computeMinor() + ", " + (totalMemory >> 20) + " MiB)";
        return "cuda:" + ordinal + " " + device + ", cuBLAS: "
                + (cublas != null ? cublas.library + " (" + mathMode + ")" : "none, own GEMM kernel (" + cublasProblem + ")");
    }
}
