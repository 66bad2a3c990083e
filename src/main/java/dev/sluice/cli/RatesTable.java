package dev.sluice.cli;

import dev.sluice.experiments.recontext.Eval;

import java.io.PrintWriter;
import java.util.Locale;

/** The console table the recontextualization commands print: hack and correct rates per run, by instruction. */
final class RatesTable {
    private RatesTable() {}

    static void header(PrintWriter out) {
        out.printf(Locale.ROOT, "%n%-28s %13s %16s %13s %16s%n", "run (generation->training)", "neutral hack", "neutral correct",
                "hackOK hack", "hackOK correct");
    }

    static void row(PrintWriter out, String run, Eval e) {
        out.printf(Locale.ROOT, "%-28s %13.3f %16.3f %13.3f %16.3f%n", run, e.neutral().hack(), e.neutral().correct(),
                e.hackOk().hack(), e.hackOk().correct());
    }

    /** The rates on one progress line. */
    static String inline(Eval e) {
        return String.format(Locale.ROOT, "neutral hack %.3f correct %.3f | hackOK hack %.3f correct %.3f", e.neutral().hack(),
                e.neutral().correct(), e.hackOk().hack(), e.hackOk().correct());
    }
}
