package dev.sluice.bench;

import dev.sluice.backend.cpu.CpuFeatures;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An instruction-set level a benchmark can run under, so one machine measures what other CPUs get: the HotSpot flags
 * that make the JVM generate only that level's code, and the settings that hold the peers to the same level
 * (OpenBLAS's core type, PyTorch's kernel dispatch, MKL's and oneDNN's instruction caps). On an AVX-512 machine,
 * {@code -XX:UseAVX=2} gives the JVM of an AVX2 machine: 256-bit vectors and 16 vector registers.
 */
public enum Isa {
    /** Whatever this JVM and CPU pick; the peers choose for themselves too. */
    NATIVE("native", List.of(), Map.of(), null),
    /** AVX-512: 512-bit vectors, 32 registers. */
    AVX512("avx512", List.of("-XX:UseAVX=3"), peers("SkylakeX", "avx512", "AVX512", "AVX512_CORE"), "avx512f"),
    /** AVX2 with FMA: 256-bit vectors, 16 registers (client Intel, AMD before Zen 4). */
    AVX2("avx2", List.of("-XX:UseAVX=2"), peers("Haswell", "avx2", "AVX2", "AVX2"), "avx2"),
    /**
     * 128-bit vectors with FMA, 16 registers: the width ARM NEON users get. The closest 128-bit OpenBLAS kernel on
     * x86 is its SSE3 "Nehalem" one (no FMA); PyTorch falls back to its default (SSE) kernels.
     */
    AVX128("avx-128", List.of("-XX:UseAVX=1", "-XX:MaxVectorSize=16"), peers("Nehalem", "default", "SSE4_2", "SSE41"), "fma");

    private final String label;
    private final List<String> jvmFlags;
    private final Map<String, String> peerEnvironment;
    private final String cpuFlag;

    Isa(String label, List<String> jvmFlags, Map<String, String> peerEnvironment, String cpuFlag) {
        this.label = label;
        this.jvmFlags = jvmFlags;
        this.peerEnvironment = peerEnvironment;
        this.cpuFlag = cpuFlag;
    }

    private static Map<String, String> peers(String openblasCore, String atenCapability, String mkl, String dnnl) {
        return Map.of("OPENBLAS_CORETYPE", openblasCore, "ATEN_CPU_CAPABILITY", atenCapability,
                "MKL_ENABLE_INSTRUCTIONS", mkl, "DNNL_MAX_CPU_ISA", dnnl);
    }

    /** The name on the command line and in reports, e.g. "avx2". */
    public String label() { return label; }

    /** HotSpot flags that restrict the JVM to this level. */
    public List<String> jvmFlags() { return jvmFlags; }

    /** Environment for the peers' processes (OpenBLAS reads it at load, PyTorch at start). */
    public Map<String, String> peerEnvironment() { return peerEnvironment; }

    /** "-XX:UseAVX=2 -XX:MaxVectorSize=16" or "(none)". */
    public String describeFlags() { return jvmFlags.isEmpty() ? "(none)" : String.join(" ", jvmFlags); }

    /** Parses a label ("avx2", "AVX-512", "native"...). */
    public static Isa parse(String s) {
        String key = s.trim().toLowerCase(Locale.ROOT).replace("_", "-");
        if (key.equals("avx-512")) key = "avx512";
        if (key.equals("128") || key.equals("avx128")) key = "avx-128";
        for (Isa isa : values()) if (isa.label.equals(key)) return isa;
        throw new IllegalArgumentException("unknown instruction set '" + s + "'; use native, avx512, avx2 or avx-128");
    }

    /**
     * Why this machine cannot run the level, or null when it can: only x86 JVMs take {@code -XX:UseAVX}, and the CPU
     * must have the level's instructions (a JVM asked for more than the CPU has silently falls back).
     */
    public String unavailableReason(CpuFeatures cpu) {
        if (this == NATIVE) return null;
        boolean x86 = cpu.arch().equals("amd64") || cpu.arch().equals("x86_64");
        if (!x86) return "-XX:UseAVX exists only on x86 JVMs; this is " + cpu.arch();
        if (!cpu.simdFlags().contains(cpuFlag)) return "this CPU has no " + cpuFlag + " (" + cpu.model() + ")";
        return null;
    }
}
