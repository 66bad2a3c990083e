package dev.sluice.bench.ladder;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * docs/06-gemm-ladder.md quotes the rungs' code in the book's {@code ```java quote PATH} blocks (docs/README.md); each
 * must be a real excerpt of PATH, so that the chapter cannot drift from the code it explains. A line {@code // ...}
 * stands for elided lines; the pieces between such lines must each appear, line for line (indentation and blank lines
 * aside), in order. The chapter has no plain {@code ```java} blocks: the book's test compiles and runs those, and the
 * ladder is internal, out of a reader program's reach.
 */
class LadderChapterTest {
    static final Path CHAPTER = Path.of("docs/06-gemm-ladder.md");

    /** A fenced java block: its info string after "```java" and its stripped lines. */
    record Block(int line, String info, List<String> code) {}

    @Test
    void everyJavaBlockIsAQuoteOfItsFile() throws IOException {
        List<Block> blocks = javaBlocks(Files.readAllLines(CHAPTER));
        assertTrue(blocks.size() >= 8, "expected an excerpt per rung, found " + blocks.size() + " java blocks");
        for (Block b : blocks) {
            String where = CHAPTER + ":" + b.line();
            assertTrue(b.info().startsWith("quote "), where + ": a java block in this chapter must be `java quote PATH`");
            Path source = Path.of(b.info().substring("quote ".length()).strip());
            assertTrue(Files.isRegularFile(source), where + ": no file " + source);
            List<String> file = Files.readAllLines(source).stream().map(String::strip).toList();
            assertTrue(isExcerpt(b.code(), file), where + ": not an excerpt of " + source + ":\n" + String.join("\n", b.code()));
        }
    }

    /** The ```java blocks with their line numbers (1-based, of the fence) and info strings. */
    static List<Block> javaBlocks(List<String> markdown) {
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < markdown.size(); i++) {
            String fence = markdown.get(i).strip();
            if (!fence.startsWith("```java")) continue;
            List<String> code = new ArrayList<>();
            int j = i + 1;
            for (; j < markdown.size() && !markdown.get(j).strip().equals("```"); j++) code.add(markdown.get(j).strip());
            blocks.add(new Block(i + 1, fence.substring("```java".length()).strip(), code));
            i = j;
        }
        return blocks;
    }

    /** Whether the block's pieces (split at "// ..." lines, blank lines ignored) occur in order in the file. */
    static boolean isExcerpt(List<String> block, List<String> file) {
        List<List<String>> pieces = new ArrayList<>();
        List<String> piece = new ArrayList<>();
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
        int from = 0;
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
        List<Block> blocks = javaBlocks(List.of("text", "```java quote X.java", "  int a;", "```", "```java", "x();", "```"));
        assertEquals(List.of(new Block(2, "quote X.java", List.of("int a;")), new Block(5, "", List.of("x();"))), blocks);
    }
}
