package dev.sluice.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.TreeMap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A CUDA device emulated on the CPU: Sluice's kernel sources compiled for the host ({@link CudaEmulatorLibrary}) and
 * run block by block with every CUDA thread a fiber (see native/emu/emulator.cpp). Selected with
 * {@code SLUICE_CUDA=emulate}; the rest of the CUDA backend (launch configurations, layouts, argument packing, the
 * caching allocator, the op layer) is the same code a GPU runs.
 *
 * <p>What it checks that host-only tests cannot: that the kernels compute what the CPU backend computes, that the
 * host passes them the right arguments, and that their barriers and warp shuffles are placed so that no thread waits
 * forever and no result depends on the order threads run in. Checks added at the boundary: every kernel of the
 * fatbin must exist in the emulator with the same parameter types; every pointer argument must point into live device
 * memory; freeing an address that is not allocated fails. Not checked: speed, the GPU memory model, nvcc's code
 * generation, cuBLAS (absent: matrix products use the own GEMM kernel) and JCuda's calls.
 *
 * <p>Memory is host memory, one mapping per allocation between inaccessible guard pages, its end flush against the
 * page after: a kernel reading or writing past a buffer's end (or before its start) faults, and the launch fails
 * with an error naming the kernel, the thread and the buffer instead of crashing or corrupting the JVM (likewise a
 * fiber's stack overflow). Fresh allocations are filled with 0xFF bytes (NaN as floats). Total device memory is
 * limited to {@code SLUICE_EMU_MEMORY_MB} (default 4096) so that the allocator's out-of-memory path behaves as on a
 * device.
 */
final class EmulatedGpu implements GpuDriver {
    static final String NAME = "Sluice CUDA emulator (kernels run on CPU fibers)";

    private final MethodHandle launch, lastError, signature, setSchedule, malloc, free, forwardedFaults;
    private final long limit;
    private final int maxAllocations = maxAllocations();
    private final TreeMap<Long, Long> live = new TreeMap<>();   // address -> bytes
    private final java.util.concurrent.ConcurrentHashMap<String, String> signatures = new java.util.concurrent.ConcurrentHashMap<>();
    private long liveBytes;

    EmulatedGpu(Map<String, String> ptxSignatures) { this(ptxSignatures, memoryLimit()); }

    private static long memoryLimit() {
        String mb = System.getenv("SLUICE_EMU_MEMORY_MB");
        try {
            return (mb != null ? Long.parseLong(mb.trim()) : 4096L) << 20;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("SLUICE_EMU_MEMORY_MB=" + mb + ": expected a number of MiB");
        }
    }

    /** An emulated device with limitBytes of device memory, whose kernels must match ptxSignatures (the fatbin's). */
    EmulatedGpu(Map<String, String> ptxSignatures, long limitBytes) {
        SymbolLookup lib = CudaEmulatorLibrary.open();
        Linker linker = Linker.nativeLinker();
        launch = linker.downcallHandle(find(lib, "sl_emu_launch"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        lastError = linker.downcallHandle(find(lib, "sl_emu_last_error"), FunctionDescriptor.of(ADDRESS));
        signature = linker.downcallHandle(find(lib, "sl_emu_signature"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        setSchedule = linker.downcallHandle(find(lib, "sl_emu_set_schedule"), FunctionDescriptor.ofVoid(JAVA_INT, JAVA_LONG));
        malloc = linker.downcallHandle(find(lib, "sl_emu_malloc"), FunctionDescriptor.of(ADDRESS, JAVA_LONG));
        free = linker.downcallHandle(find(lib, "sl_emu_free"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        forwardedFaults = linker.downcallHandle(find(lib, "sl_emu_forwarded_faults"), FunctionDescriptor.of(JAVA_LONG));
        limit = limitBytes;
        for (var e : ptxSignatures.entrySet()) {
            String emulated = emulatedSignature(e.getKey());
            if (emulated == null) {
                throw new IllegalStateException("kernel " + e.getKey() + " of sluice.fatbin is missing from the CUDA emulator "
                        + "(native/ sources newer or older than the fatbin? run native/build)");
            }
            if (!emulated.replace('P', 'L').equals(e.getValue())) {
                throw new IllegalStateException("kernel " + e.getKey() + ": the emulator's parameters " + emulated
                        + " differ from the fatbin's PTX " + e.getValue() + " (run native/build)");
            }
        }
        String schedule = System.getenv("SLUICE_EMU_SCHEDULE");
        if (schedule != null) schedule(schedule);
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("CUDA emulator library lacks " + name));
    }

    /**
     * The kernel's parameters as the emulator's C++ types give them (P pointer, L 64-bit integer, I, F, D, S as in
     * {@link KernelSignature}), or null when it has no such kernel.
     */
    String emulatedSignature(String kernel) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(256);
            int n = (int) signature.invokeExact(arena.allocateFrom(kernel), out, 256);
            return n < 0 ? null : out.getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** "forward", "reverse" or "shuffle[:seed]": the order in which runnable threads go between waits. */
    void schedule(String spec) {
        int mode;
        long seed = 1;
        if (spec.equals("forward")) mode = 0;
        else if (spec.equals("reverse")) mode = 1;
        else if (spec.startsWith("shuffle")) {
            mode = 2;
            if (spec.startsWith("shuffle:")) seed = Long.parseLong(spec.substring("shuffle:".length()));
        } else {
            throw new IllegalArgumentException("SLUICE_EMU_SCHEDULE=" + spec + ": expected forward, reverse or shuffle[:seed]");
        }
        try {
            setSchedule.invokeExact(mode, seed);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Memory faults of other threads (the JVM's own) that arrived during launches and were passed to its handler. */
    long forwardedFaults() {
        try {
            return (long) forwardedFaults.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public String name() { return NAME; }

    @Override
    public int computeMajor() { return 0; }

    @Override
    public int computeMinor() { return 0; }

    @Override
    public long totalMemory() { return limit; }

    @Override
    public void makeCurrent() {}

    /**
     * How many allocations may be live at once: each is three kernel memory maps (guard, data, guard), and a process
     * may have vm.max_map_count maps (65530 by default), of which the JVM needs its own share. Past this, malloc reports
     * out of memory, and the caching allocator runs the GC (unreachable tensors give their blocks back) and retries.
     */
    private static int maxAllocations() {
        long maps = 65530;
        try {
            // readAllLines, not readString: procfs files report size 0 and readString was seen to return one byte of them
            maps = Long.parseLong(java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/vm/max_map_count")).getFirst().trim());
        } catch (java.io.IOException | RuntimeException e) {
            // keep the default
        }
        return (int) Math.max(1000, Math.min(100_000, (maps - 20_000) / 3));
    }

    @Override
    public synchronized long malloc(long bytes) {
        if (live.size() >= maxAllocations) {
            throw new OutOfDeviceMemory("CUDA emulator: " + live.size() + " live allocations, the most this process's memory "
                    + "maps allow (each has guard pages; vm.max_map_count)");
        }
        if (liveBytes + bytes > limit) {
            throw new OutOfDeviceMemory("CUDA emulator: out of device memory allocating " + bytes + " bytes with "
                    + liveBytes + " of " + limit + " in use (SLUICE_EMU_MEMORY_MB)");
        }
        MemorySegment p;
        try {
            p = (MemorySegment) malloc.invokeExact(bytes);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (p.address() == 0) throw new OutOfDeviceMemory("CUDA emulator: host malloc of " + bytes + " bytes failed");
        live.put(p.address(), bytes);
        liveBytes += bytes;
        return p.address();
    }

    @Override
    public synchronized void free(long address) {
        Long bytes = live.remove(address);
        if (bytes == null) throw new IllegalStateException("CUDA emulator: free of 0x" + Long.toHexString(address)
                + ", which is not an allocated block");
        liveBytes -= bytes;
        int rc;
        try {
            rc = (int) free.invokeExact(MemorySegment.ofAddress(address));
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (rc != 0) throw new IllegalStateException("CUDA emulator: the library does not know block 0x" + Long.toHexString(address));
    }

    /** Throws unless [address, address + bytes) lies inside one live allocation. */
    private synchronized void requireLive(String what, long address, long bytes) {
        var block = live.floorEntry(address);
        if (block == null || address + bytes > block.getKey() + block.getValue()) {
            throw new IllegalStateException("CUDA emulator: " + what + " at 0x" + Long.toHexString(address) + " (" + bytes
                    + " bytes) is outside every live device allocation");
        }
    }

    private MemorySegment device(String what, long address, long bytes) {
        requireLive(what, address, bytes);
        return MemorySegment.ofAddress(address).reinterpret(bytes);
    }

    @Override
    public void memsetZero(long address, long bytes) { device("memset", address, bytes).fill((byte) 0); }

    @Override
    public void copyHostToDevice(long dst, Object array, long bytes) {
        device("host-to-device copy", dst, bytes).copyFrom(host(array).asSlice(0, bytes));
    }

    @Override
    public void copyDeviceToHost(Object array, long src, long bytes) {
        host(array).asSlice(0, bytes).copyFrom(device("device-to-host copy", src, bytes));
    }

    private static MemorySegment host(Object array) {
        return switch (array) {
            case float[] x -> MemorySegment.ofArray(x);
            case double[] x -> MemorySegment.ofArray(x);
            case int[] x -> MemorySegment.ofArray(x);
            case long[] x -> MemorySegment.ofArray(x);
            case byte[] x -> MemorySegment.ofArray(x);
            default -> throw new IllegalArgumentException("host copy of a " + array.getClass().getSimpleName());
        };
    }

    @Override
    public void launch(String kernel, LaunchConfig cfg, Object... args) {
        String sig = signatures.computeIfAbsent(kernel, this::emulatedSignature);
        if (sig == null) throw new IllegalStateException("kernel " + kernel + " is not in the CUDA emulator");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(ADDRESS, Math.max(1, args.length));
            for (int i = 0; i < args.length; i++) {
                if (sig.charAt(i) == 'P' && (Long) args[i] != 0L) requireLive(kernel + " parameter " + i, (Long) args[i], 1);
                MemorySegment a = switch (args[i]) {
                    case Integer v -> arena.allocateFrom(JAVA_INT, v);
                    case Long v -> arena.allocateFrom(JAVA_LONG, v);
                    case Float v -> arena.allocateFrom(ValueLayout.JAVA_FLOAT, v);
                    case Double v -> arena.allocateFrom(ValueLayout.JAVA_DOUBLE, v);
                    case int[] struct -> arena.allocateFrom(JAVA_INT, struct);
                    default -> throw new IllegalArgumentException("kernel argument of type " + args[i].getClass().getSimpleName());
                };
                params.setAtIndex(ADDRESS, i, a);
            }
            int rc = (int) launch.invokeExact(arena.allocateFrom(kernel), cfg.gridX(), cfg.gridY(), cfg.gridZ(), cfg.blockX(),
                    1, 1, params);
            if (rc != 0) throw new IllegalStateException("CUDA emulator: " + lastError());
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private String lastError() throws Throwable {
        return ((MemorySegment) lastError.invokeExact()).reinterpret(4096).getString(0);
    }

    @Override
    public void synchronize() {}

    @Override
    public long cublasStream() { return 0; }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
