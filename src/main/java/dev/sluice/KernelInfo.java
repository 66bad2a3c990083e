package dev.sluice;

/**
 * The CPU backend's float32 kernels, as {@link Sluice#kernels()} reports them.
 *
 * @param name           short name of the kernel set, e.g. {@code "vector-512"} or {@code "scalar"}
 * @param details        what was chosen inside it (vector width, GEMM register tile)
 * @param vectorized     whether the Vector API kernels run (false: the plain-Java reference kernels)
 * @param fallbackReason why the scalar kernels run although the vector ones were wanted (for example the missing
 *                       {@code --add-modules jdk.incubator.vector} flag); null when they are not in use or were chosen
 *                       explicitly with {@code sluice.kernels=scalar}
 * @param cpu            the CPU model, its SIMD flags and caches, as the operating system and the JVM report them
 */
public record KernelInfo(String name, String details, boolean vectorized, String fallbackReason, String cpu) {}
