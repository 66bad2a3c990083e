package dev.sluice.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts this same program in a new JVM with other HotSpot flags: how {@code sluice bench --isa avx2} measures, on an
 * AVX-512 machine, the code an AVX2 machine's JVM generates (vector width and register count are fixed when a JVM
 * starts). The child gets this JVM's own options (module path, native access, stack size...), minus the flags the new
 * ones replace, and the same main module or class path.
 */
final class ChildJvm {
    private ChildJvm() {}

    /** Flag prefixes a child's own flags replace rather than add to. */
    private static final List<String> REPLACED = List.of("-XX:UseAVX=", "-XX:MaxVectorSize=", "-Djdk.module.main=");

    /** The full command line: java, inherited and new JVM flags, main module or class, then the program's arguments. */
    static List<String> command(List<String> jvmFlags, List<String> programArgs) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (REPLACED.stream().noneMatch(arg::startsWith)) cmd.add(arg);
        }
        cmd.addAll(jvmFlags);
        String module = System.getProperty("jdk.module.main");
        if (module != null) {
            cmd.add("-m");
            cmd.add(module + "/" + System.getProperty("jdk.module.main.class", Main.class.getName()));
        } else {
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(Main.class.getName());
        }
        cmd.addAll(programArgs);
        return cmd;
    }

    /** Runs the child with this process's standard output and error, plus {@code environment}; returns its exit code. */
    static int run(List<String> jvmFlags, List<String> programArgs, Map<String, String> environment)
            throws java.io.IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command(jvmFlags, programArgs)).inheritIO();
        pb.environment().putAll(environment);
        return pb.start().waitFor();
    }
}
