package dev.sluice.docs;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;

/**
 * Runs an exercise solution against a chapter's code: the chapter's declaration blocks (its {@code Value} class, for
 * instance) and the solution's source are compiled together, as the reader's would be, then a static method of the
 * solution is called.
 */
final class BookExercises {
    private final BookCompiler.Compiled compiled;

    private BookExercises(BookCompiler.Compiled compiled) { this.compiled = compiled; }

    /** Compiles {@code chapter}'s declarations with {@code solution}, a compilation unit declaring {@code Solution}. */
    static BookExercises withChapter(String chapter, String solution) {
        try {
            BookChapter ch = BookChapter.read(Path.of("docs", chapter));
            BookCompiler.UnitBuilder u = new BookCompiler.UnitBuilder("Solution");
            for (String i : BookCompiler.DEFAULT_IMPORTS) u.line("import " + i + ";", null);
            solution.lines().forEach(l -> u.line(l, null));
            return new BookExercises(BookCompiler.compile(BookCompiler.chapterUnit(ch, "Chapter", false), u.build()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Calls the public static method {@code Solution.name(args)}; exceptions it throws are rethrown unwrapped. */
    @SuppressWarnings("unchecked")
    <T> T call(String name, Object... args) throws Throwable {
        for (var m : compiled.load("Solution").getMethods()) {
            if (!m.getName().equals(name) || m.getParameterCount() != args.length) continue;
            try {
                return (T) m.invoke(null, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
        throw new NoSuchMethodException("Solution." + name + " with " + args.length + " arguments");
    }
}
