package dev.sluice.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs the {@code sluice} command line in this JVM ({@link Main#run}) and keeps its exit status and output. */
record CliRun(int code, String out, String err) {
    static CliRun of(String... args) { return withEnv(Map.of(), args); }

    static CliRun withEnv(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env::get);
        return new CliRun(code, out.toString(), err.toString());
    }

    @Override
    public String toString() { return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err; }
}
