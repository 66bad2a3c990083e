package dev.sluice.backend.cuda;

import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import static jcuda.driver.JCudaDriver.*;

/**
 * The only class that calls JCuda: driver initialisation, the primary context, streams, memory, copies, module
 * loading and kernel launches. Device memory is handled as raw 64-bit addresses everywhere else (kernel arguments,
 * cuBLAS through FFM); {@link Ptr} turns an address back into the {@code CUdeviceptr} JCuda's calls want.
 * JCuda's exceptions are enabled, so every failing call throws {@code jcuda.CudaException} naming the error.
 */
final class CudaDriver {
    private CudaDriver() {}

    /**
     * A CUdeviceptr whose address can be read, and made from an address (JCuda keeps both protected). Checked against
     * JCuda's source: Pointer(Pointer, long) adds to the byte offset (javap of jcuda-12.6.0.jar); cuMemAlloc stores the
     * address as nativePointer with byteOffset 0 (setPointer), and cuMemFree, cuMemcpyHtoD/DtoH/DtoD and the other
     * device-pointer arguments read nativePointer + byteOffset (getPointer): github.com/jcuda/jcuda,
     * JCudaDriverJNI/src/JCudaDriver.cpp, and github.com/jcuda/jcuda-common, JCudaCommonJNI/src/PointerUtils.cpp.
     * So {@code Ptr.at(a)} (nativePointer 0, byteOffset a) reaches the driver as address a. Kernel arguments are Java
     * arrays behind {@code Pointer.to(...)}, the kernel parameter array a {@code Pointer.to(Pointer...)} (JCuda's
     * documented pattern, github.com/jcuda/jcuda-samples, JCudaVectorAdd.java).
     */
    static final class Ptr extends CUdeviceptr {
        private static final CUdeviceptr NULL = new CUdeviceptr();

        Ptr() {}

        private Ptr(long address) { super(NULL, address); }

        static Ptr at(long address) { return new Ptr(address); }

        long address() { return getNativePointer() + getByteOffset(); }
    }

    /** Loads JCuda's driver binding (this is where a missing libcuda.so.1 surfaces), cuInit, device count. */
    static int initAndCountDevices() {
        JCudaDriver.setExceptionsEnabled(true);
        cuInit(0);
        int[] n = new int[1];
        cuDeviceGetCount(n);
        return n[0];
    }

    static CUdevice device(int ordinal) {
        CUdevice d = new CUdevice();
        cuDeviceGet(d, ordinal);
        return d;
    }

    /** Retains the device's primary context (shared with cuBLAS and any runtime-API library) and makes it current. */
    static CUcontext retainPrimaryContext(CUdevice device) {
        CUcontext ctx = new CUcontext();
        cuDevicePrimaryCtxRetain(ctx, device);
        cuCtxSetCurrent(ctx);
        return ctx;
    }

    static void makeCurrent(CUcontext ctx) { cuCtxSetCurrent(ctx); }

    static String name(CUdevice device) {
        byte[] b = new byte[256];
        cuDeviceGetName(b, b.length, device);
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
    }

    static int attribute(CUdevice device, int attribute) {
        int[] v = new int[1];
        cuDeviceGetAttribute(v, attribute, device);
        return v[0];
    }

    static long totalMemory(CUdevice device) {
        long[] v = new long[1];
        cuDeviceTotalMem(v, device);
        return v[0];
    }

    /**
     * A blocking stream (CU_STREAM_DEFAULT): it synchronises with the legacy default stream, on which the synchronous
     * host copies below run, so copies and kernels stay in program order.
     */
    static CUstream createStream() {
        CUstream s = new CUstream();
        cuStreamCreate(s, jcuda.driver.CUstream_flags.CU_STREAM_DEFAULT);
        return s;
    }

    static void synchronize(CUstream stream) { cuStreamSynchronize(stream); }

    static long malloc(long bytes) {
        Ptr p = new Ptr();
        cuMemAlloc(p, bytes);
        return p.address();
    }

    static void free(long address) { cuMemFree(Ptr.at(address)); }

    static void memsetZero(long address, long bytes, CUstream stream) {
        cuMemsetD8Async(Ptr.at(address), (byte) 0, bytes, stream);
    }

    /** Synchronous copy from a Java array (legacy default stream: ordered after earlier kernels on blocking streams). */
    static void copyHostToDevice(long dst, Pointer src, long bytes) {
        cuMemcpyHtoD(Ptr.at(dst), src, bytes);
    }

    /** Synchronous copy into a Java array; waits for all earlier work on blocking streams. */
    static void copyDeviceToHost(Pointer dst, long src, long bytes) {
        cuMemcpyDtoH(dst, Ptr.at(src), bytes);
    }

    static void copyDeviceToDevice(long dst, long src, long bytes, CUstream stream) {
        cuMemcpyDtoDAsync(Ptr.at(dst), Ptr.at(src), bytes, stream);
    }

    static CUmodule loadModule(byte[] image) {
        CUmodule m = new CUmodule();
        cuModuleLoadData(m, image);
        return m;
    }

    static CUfunction function(CUmodule module, String name) {
        CUfunction f = new CUfunction();
        cuModuleGetFunction(f, module, name);
        return f;
    }

    static void launch(CUfunction f, LaunchConfig cfg, CUstream stream, Pointer params) {
        cuLaunchKernel(f, cfg.gridX(), cfg.gridY(), cfg.gridZ(), cfg.blockX(), 1, 1, cfg.sharedBytes(), stream, params, null);
    }

    static CUevent event() {
        CUevent e = new CUevent();
        cuEventCreate(e, 0);
        return e;
    }

    /** Milliseconds between two events recorded on a stream (waits for the second). */
    static float elapsedMs(CUevent start, CUevent end) {
        cuEventSynchronize(end);
        float[] ms = new float[1];
        cuEventElapsedTime(ms, start, end);
        return ms[0];
    }

    static void record(CUevent e, CUstream stream) { cuEventRecord(e, stream); }

    /** The raw CUstream handle, for cublasSetStream_v2 through FFM. */
    static long handle(CUstream stream) { return new RawHandle(stream).value(); }

    private static final class RawHandle extends jcuda.NativePointerObject {
        RawHandle(jcuda.NativePointerObject o) { super(o); }

        long value() { return getNativePointer(); }
    }
}
