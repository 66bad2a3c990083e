package dev.sluice.bench.ladder;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * docs/06-gemm-ladder.md quotes the rungs' code; every ```java block must be a real excerpt, so that the chapter
 * cannot drift from the code it explains. A block may skip lines with a line {@code // ...}; the pieces between
 * such lines must each appear, line for line (indentation aside), in one source file, in order.
 */
class LadderChapterTest {
    static final Path CHAPTER = Path.of("docs/06-gemm-ladder.md");
    /** The ladder's sources and its tests, and the production kernels the last section quotes. */
    static final List<Path> SOURCES = List.of(Path.of("src/main/java/dev/sluice/bench/ladder"),
            Path.of("src/test/java/dev/sluice/bench/ladder"), Path.of("src/main/java/dev/sluice/backend/cpu/kernels"));

    @Test
    void everyJavaBlockIsAnExcerptOfTheLadderSources() throws IOException {
        List<List<String>> blocks = javaBlocks(Files.readAllLines(CHAPTER));
        assertTrue(blocks.size() >= 8, "expected an excerpt per rung, found " + blocks.size() + " java blocks");
        List<List<String>> files = new ArrayList<>();
        for (Path dir : SOURCES) {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path f : s.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                    files.add(Files.readAllLines(f).stream().map(String::strip).toList());
                }
            }
        }
        for (List<String> block : blocks) {
            boolean found = files.stream().anyMatch(f -> isExcerpt(block, f));
            assertTrue(found, "not an excerpt of any ladder source:\n" + String.join("\n", block));
        }
    }

    /** The ```java blocks, each as its stripped lines. */
    static List<List<String>> javaBlocks(List<String> markdown) {
        List<List<String>> blocks = new ArrayList<>();
        List<String> current = null;
        for (String line : markdown) {
            if (current == null && line.strip().equals("```java")) {
                current = new ArrayList<>();
            } else if (current != null && line.strip().equals("```")) {
                blocks.add(current);
                current = null;
            } else if (current != null) {
                current.add(line.strip());
            }
        }
        return blocks;
    }

    /** Whether the block's pieces (split at "// ..." lines, blank lines ignored) occur in order in the file. */
    static boolean isExcerpt(List<String> block, List<String> file) {
        int from = 0;
        List<String> piece = new ArrayList<>();
        List<List<String>> pieces = new ArrayList<>();
        for (String line : block) {
            if (line.equals("// ...")) {
                if (!piece.isEmpty()) pieces.add(piece);
                piece = new ArrayList<>();
            } else if (!line.isEmpty()) {
                piece.add(line);
            }
        }
        if (!piece.isEmpty()) pieces.add(piece);
        List<String> lines = file.stream().filter(l -> !l.isEmpty()).toList();
        for (List<String> p : pieces) {
            int at = indexOf(lines, p, from);
            if (at < 0) return false;
            from = at + p.size();
        }
        return !pieces.isEmpty();
    }

    private static int indexOf(List<String> lines, List<String> piece, int from) {
        for (int i = from; i + piece.size() <= lines.size(); i++) {
            if (lines.subList(i, i + piece.size()).equals(piece)) return i;
        }
        return -1;
    }

    @Test
    void theCheckRejectsCodeThatIsNotInTheFile() {
        List<String> file = List.of("int a = 1;", "int b = 2;", "", "int c = 3;");
        assertTrue(isExcerpt(List.of("int a = 1;", "int b = 2;"), file));
        assertTrue(isExcerpt(List.of("int a = 1;", "// ...", "int c = 3;"), file));
        assertTrue(isExcerpt(List.of("int b = 2;", "int c = 3;"), file), "blank lines are ignored");
        assertFalse(isExcerpt(List.of("int a = 1;", "int c = 3;"), file), "a gap needs // ...");
        assertFalse(isExcerpt(List.of("int c = 3;", "// ...", "int a = 1;"), file), "pieces keep their order");
        assertFalse(isExcerpt(List.of("int a = 2;"), file));
    }
}
