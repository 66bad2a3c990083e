package dev.sluice.backend.cuda;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUstream;

/**
 * One GPU as Sluice uses it: the device's primary context, one stream on which every kernel, copy and cuBLAS call is
 * enqueued in program order, a caching allocator, the kernels module and (when it loads) a cuBLAS handle.
 */
final class CudaContext {
    final int ordinal;
    final String name;
    final int computeMajor, computeMinor;
    final long totalMemory;
    private final CUcontext context;
    private final CUstream stream;
    private final CachingAllocator allocator;
    private final CudaModule module;
    private final Cublas cublas;
    private final String cublasProblem;
    private final long cublasHandle;
    final Cublas.MathMode mathMode;

    CudaContext(int ordinal) {
        this.ordinal = ordinal;
        CUdevice device = CudaDriver.device(ordinal);
        name = CudaDriver.name(device);
        computeMajor = CudaDriver.attribute(device, jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        computeMinor = CudaDriver.attribute(device, jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        totalMemory = CudaDriver.totalMemory(device);
        context = CudaDriver.retainPrimaryContext(device);
        stream = CudaDriver.createStream();
        allocator = new CachingAllocator(new DeviceMemory() {
            @Override
            public long malloc(long bytes) {
                try {
                    return CudaDriver.malloc(bytes);
                } catch (jcuda.CudaException e) {
                    if (String.valueOf(e.getMessage()).contains("OUT_OF_MEMORY")) throw new OutOfDeviceMemory(e.getMessage());
                    throw e;
                }
            }

            @Override
            public void free(long address) { CudaDriver.free(address); }
        }, () -> {
            System.gc();
            try {
                Thread.sleep(20);   // let the cleaner thread queue the blocks of unreachable tensors
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        module = new CudaModule();
        mathMode = Cublas.mathMode();
        Cublas c = null;
        String problem = null;
        long handle = 0;
        try {
            c = Cublas.load();
            handle = c.createHandle(CudaDriver.handle(stream), mathMode);
        } catch (RuntimeException e) {
            problem = e.getMessage();
            c = null;
            System.err.println("sluice: " + problem + "; matrix products use Sluice's own GEMM kernel");
        }
        cublas = c;
        cublasHandle = handle;
        cublasProblem = problem;
    }

    void makeCurrent() { CudaDriver.makeCurrent(context); }

    CUstream stream() { return stream; }

    CachingAllocator allocator() { return allocator; }

    CudaModule module() { return module; }

    /** cuBLAS, or null when it did not load (see {@link #cublasProblem()}). */
    Cublas cublas() { return cublas; }

    long cublasHandle() { return cublasHandle; }

    String cublasProblem() { return cublasProblem; }

    void synchronize() { CudaDriver.synchronize(stream); }

    String describe() {
        return "cuda:" + ordinal + " " + name + " (sm_" + computeMajor + computeMinor + ", " + (totalMemory >> 20) + " MiB), cuBLAS: "
                + (cublas != null ? cublas.library + " (" + mathMode + ")" : "none, own GEMM kernel (" + cublasProblem + ")");
    }
}
