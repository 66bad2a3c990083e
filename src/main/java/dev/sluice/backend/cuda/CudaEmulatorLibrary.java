package dev.sluice.backend.cuda;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds the CUDA emulator ({@code native/emu/emulator.cpp}, which includes the kernels {@code native/all.cu}
 * unchanged) with the host C++ compiler into a shared library, once per version of the sources, and opens it.
 *
 * <p>The sources are found at {@code SLUICE_NATIVE_DIR} (or the system property {@code sluice.native.dir}), else
 * {@code native/} under the working directory: the emulator is a development and test tool and needs a checkout.
 * The compiler is {@code CXX}, else {@code g++}, else {@code c++}. The library goes to
 * {@code target/cuda-emulator/<hash of sources and flags>/} beside the sources (the checkout's build directory, which
 * {@code mvn clean} removes), or under {@code java.io.tmpdir} when that is not writable; it is written to a temp name
 * and renamed.
 */
final class CudaEmulatorLibrary {
    private CudaEmulatorLibrary() {}

    /**
     * The compiler flags. {@code -march=native}: the library is built on the machine that runs it, and without it the
     * kernels' fma() is a call into libm per multiply-add (the GEMM ran ~10× slower).
     */
    static final List<String> FLAGS = List.of("-std=c++17", "-O2", "-march=native", "-fPIC", "-shared", "-w");
    private static final Pattern KERNEL =
            Pattern.compile("extern \"C\" __global__ void (?:__launch_bounds__\\([^)]*\\) )?(sl_\\w+)\\(");

    private static SymbolLookup lookup;
    private static String problem;

    /** The opened library, or an IllegalStateException saying why it cannot be built or opened. */
    static synchronized SymbolLookup open() {
        if (lookup == null && problem == null) {
            try {
                lookup = SymbolLookup.libraryLookup(build(), Arena.global());
            } catch (IllegalStateException e) {
                problem = e.getMessage();
            } catch (IllegalArgumentException e) {
                problem = "the CUDA emulator library was built but cannot be opened: " + e.getMessage();
            } catch (IllegalCallerException e) {
                problem = "native access is not enabled for module dev.sluice (run java with --enable-native-access=dev.sluice)";
            }
        }
        if (problem != null) throw new IllegalStateException(problem);
        return lookup;
    }

    static Path sourceDir() {
        String dir = System.getenv("SLUICE_NATIVE_DIR");
        if (dir == null) dir = System.getProperty("sluice.native.dir");
        return Path.of(dir != null ? dir : "native").toAbsolutePath().normalize();
    }

    /** The kernels defined in the .cu files (the emulator's kernel table), in file-name then source order. */
    static List<String> kernelNames(Path nativeDir) throws IOException {
        List<String> names = new ArrayList<>();
        for (Path cu : sourceFiles(nativeDir, ".cu")) {
            Matcher m = KERNEL.matcher(Files.readString(cu));
            while (m.find()) names.add(m.group(1));
        }
        return names;
    }

    private static List<Path> sourceFiles(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static Path build() {
        Path src = sourceDir();
        Path emulator = src.resolve("emu/emulator.cpp");
        if (!Files.isRegularFile(emulator) || !Files.isRegularFile(src.resolve("all.cu"))) {
            throw new IllegalStateException("the CUDA emulator needs Sluice's native/ sources, not found at " + src
                    + " (run from a checkout, or set SLUICE_NATIVE_DIR)");
        }
        try {
            StringBuilder table = new StringBuilder();
            List<String> kernels = new ArrayList<>(kernelNames(src));
            kernels.addAll(kernelNames(src.resolve("emu")));    // selftest.cu: the emulator's own test kernels
            for (String k : kernels) table.append("SL_KERNEL(").append(k).append(")\n");
            List<Path> inputs = new ArrayList<>();
            inputs.addAll(sourceFiles(src, ".cu"));
            inputs.addAll(sourceFiles(src, ".cuh"));
            inputs.addAll(sourceFiles(src.resolve("emu"), ".cpp"));
            inputs.addAll(sourceFiles(src.resolve("emu"), ".cu"));
            inputs.addAll(sourceFiles(src.resolve("emu"), ".h"));
            String cxx = compiler();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path p : inputs) {
                sha.update(p.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                sha.update(Files.readAllBytes(p));
            }
            sha.update((cxx + " " + FLAGS + "\n" + table).getBytes(StandardCharsets.UTF_8));
            String hash = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
            Path dir = outputRoot(src).resolve(hash);
            Path lib = dir.resolve("libsluice_cuda_emu.so");
            if (Files.isRegularFile(lib)) return lib;
            Files.createDirectories(dir);
            // kernels.inc is written whole (temp + rename): another JVM may be compiling in this directory too
            Path incTmp = Files.createTempFile(dir, "kernels", ".inc.tmp");
            Files.writeString(incTmp, table);
            move(incTmp, dir.resolve("kernels.inc"));
            Path tmp = Files.createTempFile(dir, "libsluice_cuda_emu", ".so.tmp");
            List<String> cmd = new ArrayList<>(List.of(cxx));
            cmd.addAll(FLAGS);
            cmd.addAll(List.of("-I", dir.toString(), "-o", tmp.toString(), emulator.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                Files.deleteIfExists(tmp);
                throw new IllegalStateException("building the CUDA emulator failed: " + String.join(" ", cmd) + "\n"
                        + output.lines().limit(30).reduce("", (a, b) -> a + b + "\n"));
            }
            move(tmp, lib);
            return lib;
        } catch (IOException e) {
            throw new IllegalStateException("building the CUDA emulator failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("building the CUDA emulator was interrupted", e);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * target/cuda-emulator in the checkout when it can be written (a temp dir may be mounted noexec, which would stop
     * the library from loading), else the temp dir.
     */
    private static Path outputRoot(Path nativeDir) {
        Path checkout = nativeDir.getParent();
        if (checkout != null && Files.isWritable(checkout)) {
            Path target = checkout.resolve("target");
            if (!Files.exists(target) || Files.isWritable(target)) return target.resolve("cuda-emulator");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "sluice-cuda-emulator");
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** CXX, else the first of g++ and c++ on the PATH. */
    static String compiler() {
        String cxx = System.getenv("CXX");
        if (cxx != null && !cxx.isBlank()) return cxx;
        for (String name : List.of("g++", "c++")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
                if (Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name).toString();
            }
        }
        throw new IllegalStateException("the CUDA emulator needs a C++ compiler: none of CXX, g++, c++ was found "
                + "(install g++)");
    }
}
