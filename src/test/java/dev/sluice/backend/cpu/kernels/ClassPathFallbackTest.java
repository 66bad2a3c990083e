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

    @Test
    void withoutTheVectorModuleTheScalarKernelsRunAfterOneWarning() throws Exception {
        String classPath = locationOf(KernelDispatch.class) + File.pathSeparator + locationOf(ClassPathProbe.class);
        String javaExe = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = Files.createTempFile("probe", ".out"), err = Files.createTempFile("probe", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(javaExe, "-cp", classPath, ClassPathProbe.class.getName())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().remove("SLUICE_KERNELS"); // the automatic choice is under test
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            Process p = pb.start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe timed out");
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            String report = "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
            assertEquals(0, p.exitValue(), "probe failed" + report);
            List<String> lines = stdout.lines().toList();
            assertTrue(lines.contains("kernels=scalar"), report);
            assertTrue(lines.contains("result=[58.0, 64.0, 139.0, 154.0]"), report);
            assertTrue(lines.contains("again=[58.0, 64.0, 139.0, 154.0]"), report);
            int warnings = stderr.split(java.util.regex.Pattern.quote(KernelDispatch.WARNING_PREFIX), -1).length - 1;
            assertEquals(1, warnings, "expected exactly one fallback warning" + report);
            assertTrue(stderr.contains("jdk.incubator.vector is not available"), report);
            assertTrue(stderr.contains("about 20× slower"), "the warning states the slowdown" + report);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Strict mode turns the fallback into a failure of the first op, naming the missing flag; nothing runs scalar. */
    @Test
    void strictModeRefusesTheScalarFallbackNamingTheFlag() throws Exception {
        String classPath = locationOf(KernelDispatch.class) + File.pathSeparator + locationOf(ClassPathProbe.class);
        String javaExe = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = Files.createTempFile("probe", ".out"), err = Files.createTempFile("probe", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(javaExe, "-Dsluice.strict=true", "-cp", classPath,
                    ClassPathProbe.class.getName()).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().remove("SLUICE_KERNELS");
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            Process p = pb.start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe timed out");
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            String report = "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
            assertTrue(p.exitValue() != 0, "strict mode must fail" + report);
            assertTrue(stderr.contains("IllegalStateException: sluice strict mode"), report);
            assertTrue(stderr.contains("--add-modules jdk.incubator.vector"), report);
            assertTrue(!stdout.contains("result="), "no op ran on the scalar kernels" + report);
            assertTrue(!stderr.contains("WARNING"), "strict mode fails instead of warning" + report);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
