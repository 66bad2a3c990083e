package dev.sluice.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code sluice} command line: training demos, reproductions and benchmarks.
 *
 * <p>Exit status: 0 success; 1 a run diverged (its results are still written); 2 a user error — a bad option, an
 * unreadable or corrupt input file, an unwritable output path, a missing GPU — reported as one line
 * {@code sluice <command>: ...}; 3 a reproduction ran but missed its pass criteria; 70 an internal error (one line;
 * {@code SLUICE_DEBUG=1} adds the stack trace, for every error).
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "sluice 0.1.0",
        description = "Sluice: an autodiff tensor engine that decides where gradients flow and what a model keeps.",
        subcommands = {TrainCommand.class, GenerateCommand.class, FinetuneCommand.class, RoutingCommand.class, UndoCommand.class, RecontextCommand.class, SweepCommand.class, GraphCommand.class, InfoCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit status of a user error. */
    static final int USER_ERROR = 2;
    /** Exit status of an internal error (sysexits' EX_SOFTWARE). */
    static final int INTERNAL_ERROR = 70;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, System.out.charset()), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, System.err.charset()), true);
        int code = run(args, out, err, System::getenv);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs one command line and returns its exit status; never exits the JVM. {@code env} looks up environment
     * variables (here only {@code SLUICE_DEBUG}: set to anything but empty or 0, every error also prints its stack trace).
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Function<String, String> env) {
        String d = env.apply("SLUICE_DEBUG");
        boolean debug = d != null && !d.isBlank() && !d.equals("0") && !d.equalsIgnoreCase("false");
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            String name = ex.getCommandLine().getCommandSpec().qualifiedName();
            String message = oneLine(ex.getMessage());
            if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
                List<String> s = u.getSuggestions();
                message += "; did you mean " + String.join(" or ", s.subList(0, Math.min(3, s.size()))) + "?";
            }
            err.println(name + ": " + message + " (see '" + name + " --help')");
            if (debug) ex.printStackTrace(err);
            err.flush();
            return USER_ERROR;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            String name = c.getCommandSpec().qualifiedName();
            int code;
            if (ex instanceof UserError || ex instanceof IOException) {
                err.println(name + ": " + describe(ex));
                code = USER_ERROR;
            } else {
                err.println(name + ": internal error: " + oneLine(String.valueOf(ex))
                        + (debug ? "" : " (set SLUICE_DEBUG=1 for the stack trace)"));
                code = INTERNAL_ERROR;
            }
            if (debug) ex.printStackTrace(err);
            err.flush();
            return code;
        });
        int code;
        try {
            code = cl.execute(args);
        } catch (Error e) {
            // picocli hands on Errors (out of memory, stack overflow...): the same one line as other internal errors
            String name = "sluice" + (cl.getParseResult() != null && cl.getParseResult().subcommand() != null
                    ? " " + String.join(" ", subcommandNames(cl.getParseResult())) : "");
            String hint = e instanceof OutOfMemoryError ? " (more heap: SLUICE_JAVA_OPTS=-Xmx8g)" : "";
            err.println(name + ": internal error: " + oneLine(String.valueOf(e)) + hint
                    + (debug ? "" : " (set SLUICE_DEBUG=1 for the stack trace)"));
            if (debug) e.printStackTrace(err);
            code = INTERNAL_ERROR;
        }
        out.flush();
        err.flush();
        return code;
    }

    private static List<String> subcommandNames(CommandLine.ParseResult top) {
        List<String> names = new java.util.ArrayList<>();
        for (var p = top.subcommand(); p != null; p = p.subcommand()) names.add(p.commandSpec().name());
        return names;
    }

    /** A user-facing line for an exception: its message, with the file and the reason for file-system errors. */
    static String describe(Throwable e) {
        if (e instanceof FileSystemException f && f.getReason() == null) {
            String why = e instanceof NoSuchFileException ? "no such file or directory"
                    : e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof NotDirectoryException ? "not a directory" : e.getClass().getSimpleName();
            return oneLine(f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + why);
        }
        String m = e.getMessage();
        return oneLine(m == null || m.isBlank() ? e.toString() : m);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    @Override
    public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }
}
