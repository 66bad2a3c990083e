package dev.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The child JVM of {@code bench --isa} gets this JVM's options with the vector flags replaced, then the program. */
class ChildJvmTest {
    @Test
    void theChildGetsTheNewFlagsOnceAndTheProgramArgumentsLast() {
        List<String> cmd = ChildJvm.command(List.of("-XX:UseAVX=1", "-XX:MaxVectorSize=16"), List.of("bench", "gemm", "--quick"));
        assertTrue(cmd.get(0).endsWith("java"), cmd.get(0));
        assertEquals(1, cmd.stream().filter(a -> a.startsWith("-XX:UseAVX=")).count(), cmd.toString());
        assertEquals(1, cmd.stream().filter(a -> a.startsWith("-XX:MaxVectorSize=")).count(), cmd.toString());
        assertTrue(cmd.contains("-XX:UseAVX=1"), cmd.toString());
        assertEquals(List.of("bench", "gemm", "--quick"), cmd.subList(cmd.size() - 3, cmd.size()));
        assertTrue(cmd.contains("-m") || cmd.contains("-cp"), "a main module or class path: " + cmd);
    }
}
