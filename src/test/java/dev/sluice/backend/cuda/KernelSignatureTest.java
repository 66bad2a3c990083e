package dev.sluice.backend.cuda;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Kernel arguments without a GPU: the PTX signatures of sluice.fatbin, the launcher's check against them, and every
 * launch site in the backend's source read as text (argument count, and the type where the expression shows it:
 * CudaLayout.* is a Layout struct, a (float) cast a float, an address a 64-bit value). cuLaunchKernel takes untyped
 * pointers, so a missing or mistyped argument would otherwise only show on a GPU, as garbage or a fault.
 */
class KernelSignatureTest {
    private static final Path SRC = Path.of(System.getProperty("user.dir"), "src/main/java/dev/sluice/backend/cuda");

    @Test
    void fatbinSignaturesMatchTheSources() {
        Map<String, String> sigs = KernelSignature.parse(CudaModule.image());
        for (String k : Kernels.ALL) assertNotNull(sigs.get(k), k + " in the fatbin's PTX");
        // native/gemm.cu: (int M, N, K, A*, Layout, int, int, B*, Layout, int, int, C*, Layout, int, int accumulate, int relu)
        assertEquals("IIILSIILSIILSIII", sigs.get(Kernels.GEMM_F32));
        // native/random.cu: (float* out, int n, int kind, u64 seed, u64 offset, double a, double b)
        assertEquals("LIILLDD", sigs.get(Kernels.RANDOM_F32));
        // native/layernorm.cu: (x*, gamma*, beta*, float eps, out*, mean*, rstd*, int rows, int C)
        assertEquals("LLLFLLLII", sigs.get(Kernels.LAYERNORM_F32));
    }

    @Test
    void launchCheckNamesTheMismatch() {
        int[] layout = CudaLayout.of(new int[] {2}, new int[] {1}, 0);
        KernelSignature.check("k", "ILSF", 1, 2L, layout, 1f);
        var e = assertThrows(IllegalArgumentException.class, () -> KernelSignature.check("k", "ILSF", 1, 2L, layout, 1.0));
        assertTrue(e.getMessage().contains("ILSD") && e.getMessage().contains("parameter 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelSignature.check("k", "IL", 1, 2));
        assertThrows(IllegalStateException.class, () -> KernelSignature.check("missing", null));
        assertThrows(IllegalArgumentException.class, () -> KernelSignature.of((Object) new int[3]));
    }

    /** Splits an argument list at top-level commas. */
    static List<String> splitArgs(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0, start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') depth--;
            else if (c == ',' && depth == 0) { out.add(s.substring(start, i).trim()); start = i + 1; }
        }
        out.add(s.substring(start).trim());
        return out;
    }

    /** The letter an argument expression shows, or '?' where the source text does not tell. */
    static char letter(String arg) {
        if (arg.startsWith("CudaLayout.") || arg.matches("l\\[\\d]")) return 'S';   // l[k]: a coalesced layout
        if (arg.startsWith("(float)")) return 'F';
        if (arg.endsWith(".address()") || arg.startsWith("addr(") || arg.contains("? 0L :") || arg.endsWith("Addr")) return 'L';
        if (arg.endsWith(".ordinal()") || arg.matches("accumulate \\? 1 : 0|.* \\? 1 : 0")) return 'I';
        return '?';
    }

    @Test
    void everyLaunchSiteMatchesItsKernel() throws IOException {
        Map<String, String> sigs = KernelSignature.parse(CudaModule.image());
        Pattern site = Pattern.compile("k\\.launch\\(");
        Pattern named = Pattern.compile("Kernels\\.([A-Z0-9_]+)");
        int checked = 0;
        for (String file : List.of("CudaBackend.java", "CudaMatmul.java")) {
            String src = Files.readString(SRC.resolve(file));
            Matcher m = site.matcher(src);
            while (m.find()) {
                // the call's text up to its closing parenthesis
                int depth = 1, i;
                int open = src.indexOf('(', m.start());
                for (i = open + 1; depth > 0; i++) {
                    if (src.charAt(i) == '(') depth++;
                    else if (src.charAt(i) == ')') depth--;
                }
                List<String> args = splitArgs(src.substring(open + 1, i - 1));
                String kernelExpr = args.get(0);
                // the kernel is named in the call (one constant, or both arms of a ternary), else it is a local chosen
                // just above (a switch or Kernels.forDtype): every Kernels.* constant named in the enclosing method
                String scope = kernelExpr.contains("Kernels.") ? kernelExpr
                        : src.substring(Math.max(src.lastIndexOf("public void", m.start()), src.lastIndexOf("\n    void ", m.start())), m.start());
                List<String> kernels = new ArrayList<>();
                Matcher c = named.matcher(scope);
                while (c.find()) {
                    if (c.group(1).equals("ALL")) continue;
                    kernels.add((String) constant(c.group(1)));
                }
                assertFalse(kernels.isEmpty(), "kernel of launch site in " + file + ": " + kernelExpr);
                List<String> params = args.subList(2, args.size());
                for (String kernel : kernels) {
                    String sig = sigs.get(kernel);
                    assertNotNull(sig, kernel);
                    assertEquals(sig.length(), params.size(), file + ": launch of " + kernel + " passes " + params.size()
                            + " arguments, the kernel takes " + sig + ": " + params);
                    for (int p = 0; p < params.size(); p++) {
                        char want = sig.charAt(p), shown = letter(params.get(p));
                        if (shown != '?') assertEquals(want, shown, file + ": " + kernel + " parameter " + p + " '" + params.get(p) + "'");
                    }
                    checked++;
                }
            }
        }
        assertTrue(checked >= Kernels.ALL.size(), "launch sites checked: " + checked);
    }

    private static Object constant(String name) {
        try {
            return Kernels.class.getDeclaredField(name).get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("Kernels." + name, e);
        }
    }
}
