package dev.sluice.docs;

import dev.sluice.tensor.Tensor;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles the book's java blocks in memory, as a reader's program would be compiled: in the unnamed module against
 * Sluice's module (so only its exported packages are visible), then loads them in a class loader of their own with
 * assertions enabled. Every generated line remembers the chapter line it came from, so compile errors and runtime
 * exceptions are reported at {@code docs/NN-name.md:LINE}.
 */
final class BookCompiler {
    /** Imports every block gets without writing them (docs/README.md says so). */
    static final List<String> DEFAULT_IMPORTS = List.of("java.util.*", "java.util.function.*", "dev.sluice.tensor.*",
            "dev.sluice.autograd.*");

    /** A compilation unit in the unnamed package; {@code origin[k]} names where generated line k+1 came from. */
    record Unit(String className, String source, String[] origin) {
        String originOf(long line) {
            return line >= 1 && line <= origin.length && origin[(int) line - 1] != null ? origin[(int) line - 1]
                    : className + ".java:" + line;
        }
    }

    /** A unit under construction: appends lines with their origin. */
    static final class UnitBuilder {
        private final String className;
        private final StringBuilder src = new StringBuilder();
        private final List<String> origin = new ArrayList<>();

        UnitBuilder(String className) { this.className = className; }

        UnitBuilder line(String text, String from) {
            src.append(text).append('\n');
            origin.add(from);
            return this;
        }

        /** Appends a block's code; import lines are blanked (the caller hoists them), keeping line numbers. */
        UnitBuilder block(BookChapter chapter, BookChapter.Block b, String indent) {
            List<String> lines = b.code().lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i);
                line(l.startsWith("import ") ? "" : indent + l, chapter.at(b.line() + i));
            }
            return this;
        }

        Unit build() { return new Unit(className, src.toString(), origin.toArray(String[]::new)); }
    }

    /**
     * The chapter as one compilation unit: default and block imports, then every declaration block as top-level
     * types, then {@code public final class CLASS} whose {@code run(IntConsumer)} holds the statement blocks in order
     * (one shared scope, as in a notebook), calling {@code mark.accept(k)} before the k-th block. A {@code no-run}
     * statement block is compiled inside {@code if (false)}. With {@code statements} false only the declarations are
     * generated (for the exercise tests, which add their own code).
     */
    static Unit chapterUnit(BookChapter chapter, String className, boolean statements) {
        UnitBuilder u = new UnitBuilder(className);
        for (String i : DEFAULT_IMPORTS) u.line("import " + i + ";", null);
        for (BookChapter.Block b : chapter.blocks()) {
            if (!b.isJava()) continue;
            List<String> lines = b.code().lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith("import ")) u.line(lines.get(i), chapter.at(b.line() + i));
            }
        }
        for (BookChapter.Block b : chapter.blocks()) {
            if (b.isJava() && b.isDeclaration()) u.block(chapter, b, "");
        }
        u.line("public final class " + className + " {", null);
        u.line("    public static void run(IntConsumer mark) throws Throwable {", null);
        if (statements) {
            List<BookChapter.Block> blocks = chapter.blocks();
            for (int k = 0; k < blocks.size(); k++) {
                BookChapter.Block b = blocks.get(k);
                if (!b.isJava() || b.isDeclaration()) continue;
                u.line("        mark.accept(" + k + ");", null);
                if (b.kind() == BookChapter.Kind.NO_RUN) u.line("        if (false) {", null);
                u.block(chapter, b, "        ");
                if (b.kind() == BookChapter.Kind.NO_RUN) u.line("        }", null);
            }
        }
        u.line("        mark.accept(-1);", null);
        u.line("    }", null);
        u.line("}", null);
        return u.build();
    }

    /** Units compiled and loaded together. */
    static final class Compiled {
        private final Map<String, Unit> units;
        private final ClassLoader loader;

        Compiled(Map<String, Unit> units, ClassLoader loader) {
            this.units = units;
            this.loader = loader;
        }

        Class<?> load(String name) throws ClassNotFoundException { return loader.loadClass(name); }

        /** Where {@code t} was thrown from, as a chapter line when it came from a block. */
        String locate(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                for (StackTraceElement e : c.getStackTrace()) {
                    String file = e.getFileName();
                    if (file == null || !file.endsWith(".java")) continue;
                    Unit u = units.get(file.substring(0, file.length() - 5));
                    if (u != null) return u.originOf(e.getLineNumber());
                }
            }
            return "(no block frame)";
        }
    }

    /** Thrown when javac rejects a unit; the message lists each diagnostic at its chapter line. */
    static final class CompileError extends AssertionError {
        CompileError(String message) { super(message); }
    }

    static Compiled compile(Unit... units) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) throw new IllegalStateException("no system Java compiler: the book's test needs a JDK");
        Map<String, Unit> byName = new HashMap<>();
        List<JavaFileObject> sources = new ArrayList<>();
        for (Unit u : units) {
            byName.put(u.className(), u);
            sources.add(new SimpleJavaFileObject(URI.create("string:///" + u.className() + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) { return u.source(); }
            });
        }
        Map<String, ByteArrayOutputStream> classes = new HashMap<>();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StandardJavaFileManager std = javac.getStandardFileManager(diagnostics, null, null);
        JavaFileManager files = new ForwardingJavaFileManager<>(std) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + ".class"), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        return classes.computeIfAbsent(className, k -> new ByteArrayOutputStream());
                    }
                };
            }
        };
        // Sluice's own classes, as a module: the blocks see exactly what a reader's program sees (exported packages)
        String sluice = sluiceClasses().toString();
        List<String> options = List.of("--release", "25", "-g", "-Xlint:all,-options,-incubating,-auxiliaryclass", "-Werror",
                "--module-path", sluice, "--add-modules", "dev.sluice");
        boolean ok = javac.getTask(null, files, diagnostics, options, null, sources).call();
        if (!ok || !diagnostics.getDiagnostics().isEmpty()) {
            StringBuilder msg = new StringBuilder("the book's code does not compile:");
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                String name = d.getSource() == null ? "" : Path.of(d.getSource().toUri().getPath()).getFileName().toString();
                Unit u = byName.get(name.replace(".java", ""));
                msg.append("\n  ").append(u == null ? name : u.originOf(d.getLineNumber())).append(": ")
                        .append(d.getKind()).append(": ").append(d.getMessage(null));
            }
            if (!ok || hasErrorsOrWarnings(diagnostics)) throw new CompileError(msg.toString());
        }
        ClassLoader loader = new ClassLoader("sluice-book", BookCompiler.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                ByteArrayOutputStream bytes = classes.get(name);
                if (bytes == null) throw new ClassNotFoundException(name);
                byte[] b = bytes.toByteArray();
                return defineClass(name, b, 0, b.length);
            }
        };
        loader.setDefaultAssertionStatus(true);
        return new Compiled(byName, loader);
    }

    private static boolean hasErrorsOrWarnings(DiagnosticCollector<JavaFileObject> d) {
        return d.getDiagnostics().stream().anyMatch(x -> x.getKind() != Diagnostic.Kind.NOTE);
    }

    /** The directory (or jar) holding Sluice's main classes. */
    static Path sluiceClasses() {
        try {
            return Path.of(Tensor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
