package dev.sluice.backend.cuda;

import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUdevice_attribute;

import java.util.HashMap;
import java.util.Map;

/** A real GPU through the CUDA driver API ({@link CudaDriver}, JCuda): primary context, one stream, the fatbin module. */
final class JCudaGpu implements GpuDriver {
    private final String name;
    private final int computeMajor, computeMinor;
    private final long totalMemory;
    private final CUcontext context;
    private final CUstream stream;
    private final CUmodule module;
    private final Map<String, CUfunction> functions = new HashMap<>();

    JCudaGpu(int ordinal, byte[] fatbin) {
        CUdevice device = CudaDriver.device(ordinal);
        name = CudaDriver.name(device);
        computeMajor = CudaDriver.attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        computeMinor = CudaDriver.attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        totalMemory = CudaDriver.totalMemory(device);
        context = CudaDriver.retainPrimaryContext(device);
        stream = CudaDriver.createStream();
        module = CudaDriver.loadModule(fatbin);
    }

    @Override
    public String name() { return name; }

    @Override
    public int computeMajor() { return computeMajor; }

    @Override
    public int computeMinor() { return computeMinor; }

    @Override
    public long totalMemory() { return totalMemory; }

    @Override
    public void makeCurrent() { CudaDriver.makeCurrent(context); }

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

    @Override
    public void memsetZero(long address, long bytes) { CudaDriver.memsetZero(address, bytes, stream); }

    @Override
    public void copyHostToDevice(long dst, Object array, long bytes) { CudaDriver.copyHostToDevice(dst, pointer(array), bytes); }

    @Override
    public void copyDeviceToHost(Object array, long src, long bytes) { CudaDriver.copyDeviceToHost(pointer(array), src, bytes); }

    private static Pointer pointer(Object array) {
        return switch (array) {
            case float[] x -> Pointer.to(x);
            case double[] x -> Pointer.to(x);
            case int[] x -> Pointer.to(x);
            case long[] x -> Pointer.to(x);
            case byte[] x -> Pointer.to(x);
            default -> throw new IllegalArgumentException("host copy of a " + array.getClass().getSimpleName());
        };
    }

    static Pointer param(Object a) {
        return switch (a) {
            case Integer i -> Pointer.to(new int[] {i});
            case Long l -> Pointer.to(new long[] {l});
            case Float f -> Pointer.to(new float[] {f});
            case Double d -> Pointer.to(new double[] {d});
            case int[] struct -> Pointer.to(struct);
            default -> throw new IllegalArgumentException("kernel argument of type " + a.getClass().getSimpleName());
        };
    }

    @Override
    public void launch(String kernel, LaunchConfig cfg, Object... args) {
        Pointer[] params = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) params[i] = param(args[i]);
        CUfunction f;
        synchronized (functions) {
            f = functions.computeIfAbsent(kernel, n -> CudaDriver.function(module, n));
        }
        CudaDriver.launch(f, cfg, stream, Pointer.to(params));
    }

    @Override
    public void synchronize() { CudaDriver.synchronize(stream); }

    @Override
    public long cublasStream() { return CudaDriver.handle(stream); }
}
