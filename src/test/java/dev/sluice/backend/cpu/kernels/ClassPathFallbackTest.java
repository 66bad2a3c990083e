package dev.sluice.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * On a plain class path without {@code --add-modules jdk.incubator.vector}, Sluice must still run: one warning, then
 * the scalar kernels. Checked in a child JVM, since the dispatch decision is made once per JVM.
 */
class ClassPathFallbackTest {
    /** The directory (or jar) a class was loaded from. */
    private static String locationOf(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /** What a child JVM running {@link ClassPathProbe} on a plain class path printed, and how it exited. */
    private record Probe(int exit, String stdout, String stderr) {
        String report() { return "\nstdout:\n" + stdout + "\nstderr:\n" + stderr; }
    }

    private static Probe runProbe(String... jvmOptions) throws Exception {
        String classPath = locationOf(KernelDispatch.class) + File.pathSeparator + locationOf(ClassPathProbe.class);
        String javaExe = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = Files.createTempFile("probe", ".out"), err = Files.createTempFile("probe", ".err");
        try {
            List<String> command = new java.util.ArrayList<>(List.of(javaExe));
            command.addAll(List.of(jvmOptions));
            command.addAll(List.of("-cp", classPath, ClassPathProbe.class.getName()));
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().remove("SLUICE_KERNELS"); // the automatic choice is under test
            pb.environment().remove("SLUICE_STRICT");
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            Process p = pb.start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe timed out");
            return new Probe(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void withoutTheVectorModuleTheScalarKernelsRunAfterOneWarning() throws Exception {
        Probe p = runProbe();
        String report = p.report();
        assertEquals(0, p.exit(), "probe failed" + report);
        List<String> lines = p.stdout().lines().toList();
        assertTrue(lines.contains("kernels=scalar"), report);
        assertTrue(lines.contains("result=[58.0, 64.0, 139.0, 154.0]"), report);
        assertTrue(lines.contains("again=[58.0, 64.0, 139.0, 154.0]"), report);
        int warnings = p.stderr().split(java.util.regex.Pattern.quote(KernelDispatch.WARNING_PREFIX), -1).length - 1;
        assertEquals(1, warnings, "expected exactly one fallback warning" + report);
        assertTrue(p.stderr().contains("jdk.incubator.vector is not available"), report);
        assertTrue(p.stderr().contains("about 20× slower"), "the warning states the slowdown" + report);
    }

    /** Strict mode turns the fallback into a failure of the first op, naming the missing flag; nothing runs scalar. */
    @Test
    void strictModeRefusesTheScalarFallbackNamingTheFlag() throws Exception {
        Probe p = runProbe("-Dsluice.strict=true");
        String report = p.report();
        assertTrue(p.exit() != 0, "strict mode must fail" + report);
        assertTrue(p.stderr().contains("IllegalStateException: sluice strict mode"), report);
        assertTrue(p.stderr().contains("--add-modules jdk.incubator.vector"), report);
        assertTrue(!p.stdout().contains("result="), "no op ran on the scalar kernels" + report);
        assertTrue(!p.stderr().contains("WARNING"), "strict mode fails instead of warning" + report);
    }
}
