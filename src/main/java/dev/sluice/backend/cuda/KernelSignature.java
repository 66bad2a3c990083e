package dev.sluice.backend.cuda;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameter lists of the kernels in sluice.fatbin, read from its PTX ({@code .entry name(.param .u32 ..., ...)}),
 * as one letter per parameter: I (32-bit: int, unsigned), L (64-bit: a device pointer, long long), F (float),
 * D (double), S (a by-value {@code Layout} struct: 72 bytes, 4-aligned). {@link CudaLauncher} checks every launch's
 * Java arguments against this before calling cuLaunchKernel, which copies each parameter's size from the pointer it
 * is given and cannot tell a wrong type or a missing argument (it would read past a Java array or pass garbage).
 */
final class KernelSignature {
    private KernelSignature() {}

    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(sl_[A-Za-z0-9_]+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+(?:\\.align\\s+(\\d+)\\s+)?\\.(\\w+)\\s+\\w+(?:\\[(\\d+)])?");

    /** Every kernel's signature in a fatbin image (its PTX part); a kernel present several times must agree. */
    static Map<String, String> parse(byte[] image) {
        Map<String, String> out = new TreeMap<>();
        Matcher m = ENTRY.matcher(new String(image, StandardCharsets.ISO_8859_1));
        while (m.find()) {
            String sig = params(m.group(1), m.group(2));
            String prev = out.put(m.group(1), sig);
            if (prev != null && !prev.equals(sig)) {
                throw new IllegalStateException("kernel " + m.group(1) + " has two PTX signatures: " + prev + " and " + sig);
            }
        }
        return out;
    }

    static String params(String kernel, String list) {
        StringBuilder sb = new StringBuilder();
        Matcher p = PARAM.matcher(list);
        while (p.find()) {
            String type = p.group(2), count = p.group(3);
            char c = switch (type) {
                case "u32", "s32", "b32" -> 'I';
                case "u64", "s64", "b64" -> 'L';
                case "f32" -> 'F';
                case "f64" -> 'D';
                case "b8" -> {
                    if (count == null || Integer.parseInt(count) != CudaLayout.INTS * 4) {
                        throw new IllegalStateException(kernel + ": by-value parameter of " + count + " bytes, expected a "
                                + CudaLayout.INTS * 4 + "-byte Layout");
                    }
                    yield 'S';
                }
                default -> throw new IllegalStateException(kernel + ": PTX parameter type ." + type + " is not mapped");
            };
            sb.append(c);
        }
        return sb.toString();
    }

    /** The letters of a launch's Java arguments (as the drivers pass them). */
    static String of(Object... args) {
        StringBuilder sb = new StringBuilder(args.length);
        for (Object a : args) {
            sb.append(switch (a) {
                case Integer i -> 'I';
                case Long l -> 'L';
                case Float f -> 'F';
                case Double d -> 'D';
                case int[] s when s.length == CudaLayout.INTS -> 'S';
                default -> throw new IllegalArgumentException("kernel argument " + a + " of type " + a.getClass().getSimpleName());
            });
        }
        return sb.toString();
    }

    /** Throws naming the kernel, the position and both signatures when the arguments do not match. */
    static void check(String kernel, String expected, Object... args) {
        if (expected == null) throw new IllegalStateException("kernel " + kernel + " is not in sluice.fatbin");
        String actual = of(args);
        if (!actual.equals(expected)) {
            int at = 0;
            while (at < Math.min(actual.length(), expected.length()) && actual.charAt(at) == expected.charAt(at)) at++;
            throw new IllegalArgumentException("launch of " + kernel + ": arguments " + actual + " do not match the kernel's "
                    + "parameters " + expected + " (first difference at parameter " + at
                    + "; I int, L pointer/64-bit, F float, D double, S Layout)");
        }
    }
}
