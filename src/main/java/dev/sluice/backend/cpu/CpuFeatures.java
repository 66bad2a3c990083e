package dev.sluice.backend.cpu;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What this machine and this JVM report about the CPU: model name, SIMD instruction-set flags, cache sizes, and the
 * JVM's own vector settings ({@code UseAVX}, {@code MaxVectorSize}). Kernels size their register tiles and cache
 * blocks from it; benchmarks print it so every table says where it was measured.
 *
 * <p>Read once, from {@code /proc/cpuinfo}, {@code /sys/devices/system/cpu/cpu0/cache} and the HotSpot diagnostic
 * bean; anything that cannot be read is reported as unknown and replaced by a conservative default where a kernel
 * needs a number. Never links against {@code jdk.incubator.vector}: the vector width comes from the caller.
 */
public final class CpuFeatures {
    /** Flags worth stating next to a benchmark: the SIMD extensions a float32 kernel can use. */
    private static final List<String> SIMD_FLAGS = List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512dq",
            "avx512bw", "avx512vl", "avx512_bf16", "avx512_fp16", "amx_tile", "asimd", "sve", "sve2");

    private static final CpuFeatures INSTANCE = read();

    private final String model;
    private final Set<String> simdFlags;
    private final long l1dBytes, l2Bytes, l3Bytes;
    private final int useAvx, maxVectorBytes;
    private final boolean useFma;
    private final String arch;

    private CpuFeatures(String model, Set<String> simdFlags, long l1dBytes, long l2Bytes, long l3Bytes, int useAvx,
                        int maxVectorBytes, boolean useFma, String arch) {
        this.model = model;
        this.simdFlags = simdFlags;
        this.l1dBytes = l1dBytes;
        this.l2Bytes = l2Bytes;
        this.l3Bytes = l3Bytes;
        this.useAvx = useAvx;
        this.maxVectorBytes = maxVectorBytes;
        this.useFma = useFma;
        this.arch = arch;
    }

    /** The features of the machine this JVM runs on (read on first use). */
    public static CpuFeatures get() { return INSTANCE; }

    /** CPU model name as the OS reports it, e.g. "AMD EPYC 7B12"; "unknown" when unreadable. */
    public String model() { return model; }

    /** The SIMD-related flags the CPU reports (a subset of /proc/cpuinfo's), in a fixed order. */
    public Set<String> simdFlags() { return simdFlags; }

    /** Level-1 data cache per core in bytes, or 0 when unknown. */
    public long l1dBytes() { return l1dBytes; }

    /** Level-2 cache per core in bytes, or 0 when unknown. */
    public long l2Bytes() { return l2Bytes; }

    /** Level-3 cache (shared) in bytes, or 0 when unknown. */
    public long l3Bytes() { return l3Bytes; }

    /**
     * HotSpot's {@code UseAVX} (0–3; 2 = AVX2, 3 = AVX-512), or -1 where the JVM has no such flag (not x86, not
     * HotSpot). {@code -XX:UseAVX=2} on an AVX-512 machine makes the JVM generate AVX2 code only.
     */
    public int useAvx() { return useAvx; }

    /** HotSpot's {@code MaxVectorSize} in bytes, or -1 when unknown. */
    public int maxVectorBytes() { return maxVectorBytes; }

    /**
     * Whether the JIT compiles a fused multiply-add to one instruction (HotSpot's {@code UseFMA}; assumed where the
     * JVM does not say). Without it {@code FloatVector.fma} and {@code Math.fma} are emulated in software, thousands
     * of times slower: kernels built on fma must not run there.
     */
    public boolean fmaInHardware() { return useFma; }

    /** {@code os.arch}, e.g. amd64 or aarch64. */
    public String arch() { return arch; }

    /**
     * Vector registers the JIT can allocate for vectors of {@code vectorBits}: 32 on AArch64 (NEON and SVE) and on
     * x86 where the JVM emits AVX-512 (EVEX encodings reach xmm/ymm/zmm16–31, whatever the vector width), else 16.
     * Register-tiled kernels size their accumulator blocks from this: a tile that needs more registers than there are
     * spills an accumulator to the stack on every step of its inner loop.
     */
    public int vectorRegisters(int vectorBits) {
        if (arch.equals("aarch64")) return 32;
        if (useAvx >= 3) return 32;
        if (useAvx < 0 && vectorBits >= 512) return 32; // unknown JVM: 512-bit vectors imply AVX-512
        return 16;
    }

    /** One line for logs and benchmark headers, e.g. "AMD EPYC 7B12; avx avx2 fma; L1d 32 KiB, L2 512 KiB; UseAVX=2". */
    public String describe() {
        return model + "; " + String.join(" ", simdFlags) + "; L1d " + kib(l1dBytes) + ", L2 " + kib(l2Bytes)
                + ", L3 " + kib(l3Bytes) + "; JVM UseAVX=" + (useAvx < 0 ? "n/a" : useAvx)
                + ", MaxVectorSize=" + (maxVectorBytes < 0 ? "n/a" : maxVectorBytes) + ", UseFMA=" + useFma;
    }

    private static String kib(long bytes) {
        if (bytes <= 0) return "unknown";
        return bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }

    private static CpuFeatures read() {
        String arch = System.getProperty("os.arch", "unknown");
        String model = "unknown";
        Set<String> flags = new LinkedHashSet<>();
        try {
            Set<String> all = new LinkedHashSet<>();
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                int colon = line.indexOf(':');
                if (colon < 0) continue;
                String key = line.substring(0, colon).trim(), value = line.substring(colon + 1).trim();
                if (model.equals("unknown") && (key.equals("model name") || key.equals("Model") || key.equals("CPU part"))) {
                    model = value;
                }
                if (all.isEmpty() && (key.equals("flags") || key.equals("Features"))) {
                    for (String f : value.split("\\s+")) all.add(f.toLowerCase(Locale.ROOT));
                }
            }
            for (String f : SIMD_FLAGS) if (all.contains(f)) flags.add(f);
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc unreadable: the model and flags stay unknown
        }
        long l1 = 0, l2 = 0, l3 = 0;
        for (int index = 0; index < 8; index++) {
            Path dir = Path.of("/sys/devices/system/cpu/cpu0/cache/index" + index);
            try {
                String type = Files.readString(dir.resolve("type")).trim();
                int level = Integer.parseInt(Files.readString(dir.resolve("level")).trim());
                long size = parseSize(Files.readString(dir.resolve("size")).trim());
                if (level == 1 && type.equals("Data")) l1 = size;
                else if (level == 2) l2 = size;
                else if (level == 3) l3 = size;
            } catch (IOException | RuntimeException e) {
                break;
            }
        }
        return new CpuFeatures(model, Collections.unmodifiableSet(flags), l1, l2, l3,
                vmIntOption("UseAVX"), vmIntOption("MaxVectorSize"), !"false".equals(vmOption("UseFMA")), arch);
    }

    /** "48K", "2048K", "32M" → bytes. */
    static long parseSize(String s) {
        long mult = 1;
        char last = Character.toUpperCase(s.charAt(s.length() - 1));
        if (last == 'K') mult = 1L << 10;
        else if (last == 'M') mult = 1L << 20;
        else if (last == 'G') mult = 1L << 30;
        String digits = Character.isDigit(last) ? s : s.substring(0, s.length() - 1);
        return Long.parseLong(digits.trim()) * mult;
    }

    /** A HotSpot integer flag through the diagnostic bean, or -1 when this JVM has no such flag. */
    private static int vmIntOption(String name) {
        String v = vmOption(name);
        try {
            return v == null ? -1 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A HotSpot flag's value through the diagnostic bean, or null when this JVM has no such flag. */
    private static String vmOption(String name) {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean == null ? null : bean.getVMOption(name).getValue();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
