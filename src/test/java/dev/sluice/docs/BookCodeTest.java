package dev.sluice.docs;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every chapter of the book (docs/NN-*.md) is real code: its java blocks compile against Sluice's exported API and run
 * in order, each {@code text output} block equals what the block before it printed, and each {@code java quote PATH}
 * excerpt still occurs in PATH. Failures name the chapter and line.
 */
class BookCodeTest {
    static Stream<Path> chapters() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("docs"))) {
            List<Path> found = s.filter(p -> p.getFileName().toString().matches("\\d\\d-.*\\.md")).sorted().toList();
            assertFalse(found.isEmpty(), "no chapters found under docs/ (run from the repository root)");
            return found.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("chapters")
    void quotesAreRealCode(Path file) throws IOException {
        BookChapter chapter = BookChapter.read(file);
        for (BookChapter.Block b : chapter.blocks()) {
            if (b.kind() != BookChapter.Kind.QUOTE) continue;
            Path source = Path.of(b.arg());
            assertTrue(Files.isRegularFile(source), chapter.at(b.line() - 1) + ": quoted file " + source + " does not exist");
            String problem = Quotes.mismatch(b.code(), Files.readString(source));
            assertNull(problem, chapter.at(b.line() - 1) + ": the excerpt is not in " + source + ": " + problem);
        }
    }

    @ParameterizedTest
    @MethodSource("chapters")
    void codeCompilesRunsAndPrintsWhatTheChapterShows(Path file) throws Throwable {
        BookChapter chapter = BookChapter.read(file);
        List<BookChapter.Block> blocks = chapter.blocks();
        for (int k = 0; k < blocks.size(); k++) {
            if (blocks.get(k).kind() != BookChapter.Kind.OUTPUT) continue;
            BookChapter.Block before = k > 0 ? blocks.get(k - 1) : null;
            assertTrue(before != null && before.kind() == BookChapter.Kind.RUN && !before.isDeclaration(),
                    chapter.at(blocks.get(k).line() - 1) + ": a text output block must follow a java block that runs statements");
        }
        String name = "Book" + file.getFileName().toString().substring(0, 2).replace('-', '_');
        BookCompiler.Compiled compiled = BookCompiler.compile(BookCompiler.chapterUnit(chapter, name, true));
        Map<Integer, String> printed = run(compiled, name);
        for (int k = 1; k < blocks.size(); k++) {
            if (blocks.get(k).kind() != BookChapter.Kind.OUTPUT) continue;
            assertEquals(normalise(blocks.get(k).code()), normalise(printed.getOrDefault(k - 1, "")),
                    chapter.at(blocks.get(k).line() - 1) + ": the output shown differs from what the block at line "
                            + blocks.get(k - 1).line() + " prints");
        }
    }

    /** Runs the chapter's statements, returning what each block (by index) printed to System.out. */
    private static Map<Integer, String> run(BookCompiler.Compiled compiled, String name) throws Throwable {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<Integer, String> printed = new HashMap<>();
        int[] current = {-1};
        int[] from = {0};
        IntConsumer mark = k -> {
            if (current[0] >= 0) printed.put(current[0], out.toString(StandardCharsets.UTF_8).substring(from[0]));
            current[0] = k;
            from[0] = out.toString(StandardCharsets.UTF_8).length();
        };
        PrintStream saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            compiled.load(name).getMethod("run", IntConsumer.class).invoke(null, mark);
        } catch (InvocationTargetException e) {
            throw new AssertionError("the block code failed at " + compiled.locate(e.getCause()) + ": " + e.getCause(), e.getCause());
        } finally {
            System.setOut(saved);
        }
        saved.print(out.toString(StandardCharsets.UTF_8)); // keep it in the test report
        return printed;
    }

    private static String normalise(String s) {
        List<String> lines = new ArrayList<>(s.lines().map(String::stripTrailing).toList());
        while (!lines.isEmpty() && lines.getLast().isEmpty()) lines.removeLast();
        return lines.stream().collect(Collectors.joining("\n"));
    }
}
