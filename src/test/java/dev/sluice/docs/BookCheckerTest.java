package dev.sluice.docs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The book's checker itself fails where it should, and says where. */
class BookCheckerTest {
    @Test
    void aCompileErrorNamesTheChapterLine(@TempDir Path dir) throws Exception {
        Path md = dir.resolve("99-broken.md");
        Files.writeString(md, "# Broken\n\n```java\nint x = 1;\nString s = x;\n```\n");
        BookChapter ch = BookChapter.read(md);
        var e = assertThrows(BookCompiler.CompileError.class, () -> BookCompiler.compile(BookCompiler.chapterUnit(ch, "B", true)));
        assertTrue(e.getMessage().contains(md + ":5: ERROR"), e.getMessage());
    }

    @Test
    void aRuntimeFailureNamesTheChapterLine(@TempDir Path dir) throws Exception {
        Path md = dir.resolve("99-broken.md");
        Files.writeString(md, "```java\nint[] a = new int[2];\n\nSystem.out.println(a[2]);\n```\n");
        BookChapter ch = BookChapter.read(md);
        var compiled = BookCompiler.compile(BookCompiler.chapterUnit(ch, "B", true));
        var e = assertThrows(java.lang.reflect.InvocationTargetException.class, () -> compiled.load("B")
                .getMethod("run", java.util.function.IntConsumer.class).invoke(null, (java.util.function.IntConsumer) k -> {}));
        assertEquals(md + ":4", compiled.locate(e.getCause()));
    }

    @Test
    void blocksAreClassifiedAndUnknownFencesRefused(@TempDir Path dir) throws Exception {
        Path md = dir.resolve("99-kinds.md");
        Files.writeString(md, """
                ```java
                final class A {
                    int f() { return 1; }
                ```
                ```java
                    int g() { return "}".length(); } // a brace in a string does not close the class
                }
                ```
                ```java no-run
                new A().f();
                ```
                ```text output
                ```
                """);
        var blocks = BookChapter.read(md).blocks();
        assertTrue(blocks.get(0).isDeclaration());
        assertTrue(blocks.get(1).isDeclaration(), "the class continues in the second block");
        assertFalse(blocks.get(2).isDeclaration());
        assertEquals(BookChapter.Kind.NO_RUN, blocks.get(2).kind());
        assertEquals(BookChapter.Kind.OUTPUT, blocks.get(3).kind());
        Files.writeString(md, "```java norun\nint x;\n```\n");
        assertThrows(IllegalStateException.class, () -> BookChapter.read(md));
    }

    @Test
    void quotesMustMatchTheSourceInOrder() {
        String source = "class X {\n    void a() {\n        one();\n        two();\n    }\n    void b() { three(); }\n}\n";
        assertNull(Quotes.mismatch("  one();\n two();", source));
        assertNull(Quotes.mismatch("void a() {\n// ...\nvoid b() { three(); }", source));
        assertNotNull(Quotes.mismatch("two();\none();", source), "out of order");
        assertNotNull(Quotes.mismatch("void b() { three(); }\n// ...\none();", source), "pieces out of order");
        assertNotNull(Quotes.mismatch("one(); // changed", source));
    }
}
