package dev.sluice.backend.cuda;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The committed kernels: the fatbin resource holds every kernel the backend launches (read from its PTX, which
 * native/build stores uncompressed), and it is not stale: its stamp matches native/*.cu and the nvcc flags, and
 * where nvcc is installed a fresh build is byte-identical (CI has nvcc but no GPU and runs exactly this test).
 */
class FatbinTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir"));

    static Set<String> ptxEntries(byte[] fatbin) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\.entry (sl_[A-Za-z0-9_]+)\\(").matcher(new String(fatbin, StandardCharsets.ISO_8859_1));
        while (m.find()) names.add(m.group(1));
        return names;
    }

    @Test
    void fatbinContainsEveryKernelTheBackendLaunches() {
        byte[] image = CudaModule.image();
        assertTrue(image.length > 100_000, "fatbin of " + image.length + " bytes");
        Set<String> entries = ptxEntries(image);
        for (String k : Kernels.ALL) assertTrue(entries.contains(k), "kernel " + k + " missing from sluice.fatbin: " + entries);
        // the SASS for both targets is there too (ELF images name their architecture)
        String s = new String(image, StandardCharsets.ISO_8859_1);
        assertTrue(s.contains(".target sm_90"), "PTX for compute_90");
    }

    private static String nvcc() {
        String env = System.getenv("NVCC");
        if (env != null) return env;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "nvcc"))) return Path.of(dir, "nvcc").toString();
        }
        return Files.isExecutable(Path.of("/usr/local/cuda/bin/nvcc")) ? "/usr/local/cuda/bin/nvcc" : null;
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "native/build timed out");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
        return out;
    }

    @Test
    void stampMatchesTheKernelSources() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")) && Files.exists(ROOT.resolve("native/build")),
                "needs bash and native/build");
        run("bash", "native/build", "--check-stamp");
    }

    @Test
    void freshBuildIsByteIdenticalToTheCommittedFatbin() throws Exception {
        Assumptions.assumeTrue(nvcc() != null, "no nvcc on this machine (PATH, NVCC or /usr/local/cuda): the stamp check above still ran");
        String out = run("bash", "native/build", "--check");
        Assumptions.assumeFalse(out.contains("byte comparison skipped"), out.strip());
    }
}
