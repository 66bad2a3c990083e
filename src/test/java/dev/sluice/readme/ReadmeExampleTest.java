package dev.sluice.readme;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** The README's example is real code: shown verbatim, compiled here, and doing what its comments claim. */
class ReadmeExampleTest {
    @Test
    void readmeShowsExactlyTheTestedCode() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("```java\n");
        assertTrue(start >= 0, "README has a ```java block");
        String block = readme.substring(start + 8, readme.indexOf("```", start + 8));
        String source = Files.readString(Path.of("src/test/java/dev/sluice/readme/ReadmeExample.java"));
        String marked = between(source, "// README-BEGIN\n", "// README-PAUSE")
                + between(source, "// README-RESUME\n", "// README-END");
        assertEquals(normalise(marked), normalise(block.substring(block.indexOf("Generator gen"))),
                "README.md's example must match ReadmeExample.java between the markers");
    }

    private static String between(String s, String from, String to) {
        int a = s.indexOf(from) + from.length();
        return s.substring(a, s.indexOf(to, a));
    }

    private static String normalise(String code) {
        List<String> lines = code.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return lines.stream().collect(Collectors.joining("\n"));
    }

    @Test
    void exampleLearnsTheWeightsAndTheHookFreezesTheBias() {
        var out = ReadmeExample.run();
        assertArrayEquals(new float[] {2, -1, 0.5f}, out.learnedWeight(), 0.02f, "learned weights");
        assertFalse(java.util.Arrays.equals(out.learnedWeight(), out.weight().toFloatArray()),
                "the unhooked weights kept training on the shifted target");
        assertEquals(out.biasBeforeFreeze(), (float) out.bias().item(), 0f, "the hooked bias did not move");
        assertEquals(0.1f, out.biasBeforeFreeze(), 0.02f, "learned bias");
    }
}
