package dev.sluice.internal;

import dev.sluice.tensor.Tensor;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The state and the event sinks of the op trace ({@code dev.sluice.autograd.OpTrace} is its public switch and
 * documents the levels). Three choke points feed it: {@code Graph.record} (every recorded op, forward or inside a
 * backward rule), {@code Ops.bump} (every in-place op) and the engine's backward call; the op layer's
 * {@code Ops.backend}/{@code Ops.empty} report kernel times and output bytes through {@link #kernel} and
 * {@link #allocated}.
 *
 * <p>Off, the only cost is one read of the volatile {@link #on} per op and per kernel call: no allocation, no
 * thread-local lookup, no string built ({@code OpTraceTest} checks that a traced-off op allocates no more than the op
 * itself does).
 */
public final class Trace {
    /** The highest level: values summaries. */
    public static final int MAX_LEVEL = 4;

    /** The hot-path switch, true iff the level is at least 1. Ops read only this when tracing is off. */
    public static volatile boolean on;
    private static volatile int level;
    /** Null means {@code System.err} as it is when a line is printed (tests may replace System.err). */
    private static volatile PrintStream sink;

    static {
        set(configuredLevel(System.getProperty("sluice.trace"), System.getenv("SLUICE_TRACE")), null);
    }

    private Trace() {}

    /** What one thread has done since its last trace line. Counters only grow; a line shows the change since a mark. */
    private static final class Counters {
        long kernelNanos;
        long bytes;
        final List<String> kernels = new ArrayList<>();
        int depth;           // 1 inside a backward rule
        boolean busy;        // the trace itself is running ops (values summary): not traced
        long markNanos, markBytes;
    }

    private static final ThreadLocal<Counters> COUNTERS = ThreadLocal.withInitial(Counters::new);

    /**
     * The level from {@code -Dsluice.trace=N} (preferred) or {@code SLUICE_TRACE=N}; 0 when unset, blank or not a
     * number in [0, 4] (an out-of-range number is clamped).
     */
    static int configuredLevel(String property, String env) {
        String v = property != null && !property.isBlank() ? property : env;
        if (v == null || v.isBlank()) return 0;
        try {
            return Math.clamp(Integer.parseInt(v.trim()), 0, MAX_LEVEL);
        } catch (NumberFormatException e) {
            System.getLogger("dev.sluice").log(System.Logger.Level.WARNING,
                    "ignoring invalid trace level '" + v + "' (sluice.trace / SLUICE_TRACE: an integer in [0, 4])");
            return 0;
        }
    }

    /** The level in force, 0 (off) to 4. */
    public static int level() { return level; }

    /** The stream lines go to, or null for {@code System.err}. */
    public static PrintStream sink() { return sink; }

    /** Sets the level (clamped to [0, 4]) and the stream (null: {@code System.err}). */
    public static synchronized void set(int newLevel, PrintStream out) {
        sink = out;
        level = Math.clamp(newLevel, 0, MAX_LEVEL);
        on = level > 0;
    }

    // ------------------------------------------------------------------ events

    /** A kernel ran on this thread: {@code label} names the kernel set and the kernel, e.g. "vector-512 matmul". */
    public static void kernel(String label, long nanos) {
        Counters c = COUNTERS.get();
        if (c.busy) return;
        c.kernelNanos += nanos;
        if (level >= 2) c.kernels.add(label);
    }

    /** An op allocated an output (or a buffer) of {@code bytes}. */
    public static void allocated(long bytes) {
        Counters c = COUNTERS.get();
        if (!c.busy) c.bytes += bytes;
    }

    /**
     * A forward op finished: prints its line (at level 1 only when it is not part of a backward rule) and starts the
     * next line's counts.
     *
     * @param saved the tensors it saved for backward (null or empty when none or when it was not recorded)
     * @param inPlace whether the op wrote into its input (then it ran kernels although out shares the input's memory)
     */
    public static void op(String name, Tensor out, Tensor[] inputs, Tensor[] saved, boolean inPlace) {
        Counters c = COUNTERS.get();
        if (c.busy) return;
        int lvl = level;
        if (c.depth > 0 && lvl < 3) return;       // counted in the backward node's line instead
        // A view (reshape, transpose, route...) runs no kernel: the kernels counted so far belong to an op still
        // running (sum reshapes its [1, 1] result before it records itself), so a view leaves the counts alone.
        boolean view = !inPlace && sharesMemory(out, inputs);
        StringBuilder line = new StringBuilder(c.depth > 0 ? "    op  " : "fwd ");
        line.append(pad(name, 16));
        for (int i = 0; i < inputs.length; i++) {
            if (i > 0) line.append(", ");
            line.append(inputs[i] == null ? "-" : TraceFormat.tensor(inputs[i], out.device()));
        }
        line.append(" -> ").append(TraceFormat.tensor(out, null)).append(" @").append(out.device());
        if (view) line.append(lvl >= 2 ? "  view: no kernel, no memory" : "  view");
        else finish(c, lvl, line);
        if (lvl >= 3 && saved != null && saved.length > 0) line.append("  saves ").append(TraceFormat.saved(saved, inputs, out));
        if (lvl >= 4) line.append("  ").append(summary(c, out));
        print(line);
    }

    /** Marks the start of a backward rule; returns the mark to pass to {@link #endBackward}. */
    public static long[] beginBackward() {
        Counters c = COUNTERS.get();
        c.depth++;
        c.kernels.clear();
        return new long[] {System.nanoTime(), c.kernelNanos, c.bytes};
    }

    /** A backward rule threw: leaves the rule without a line. */
    public static void abortBackward() { COUNTERS.get().depth--; }

    /** A backward rule finished: prints the node's line with the gradient it got and those it returned. */
    public static void endBackward(long[] mark, String node, Tensor gradOut, Tensor[] inputGrads) {
        Counters c = COUNTERS.get();
        long wall = System.nanoTime() - mark[0];
        c.depth--;
        int lvl = level;
        if (!on) return;
        StringBuilder line = new StringBuilder("bwd ").append(pad(node, 16)).append("grad ")
                .append(TraceFormat.tensor(gradOut, null)).append(" -> ");
        for (int i = 0; i < inputGrads.length; i++) {
            if (i > 0) line.append(", ");
            line.append(inputGrads[i] == null ? "-" : TraceFormat.tensor(inputGrads[i], null));
        }
        line.append(String.format(Locale.ROOT, "  %.3f ms", wall / 1e6));
        if (lvl >= 2) {
            line.append("  kernels ").append(String.format(Locale.ROOT, "%.3f ms", (c.kernelNanos - mark[1]) / 1e6))
                    .append("  alloc ").append(TraceFormat.bytes(c.bytes - mark[2]));
        }
        c.markNanos = c.kernelNanos;
        c.markBytes = c.bytes;
        c.kernels.clear();
        if (lvl >= 4) {
            for (Tensor g : inputGrads) if (g != null) line.append("  ").append(summary(c, g));
        }
        print(line);
    }

    /** Appends time (and at level 2 the kernels and bytes) since the thread's last line, then moves the mark. */
    private static void finish(Counters c, int lvl, StringBuilder line) {
        line.append(String.format(Locale.ROOT, "  %.3f ms", (c.kernelNanos - c.markNanos) / 1e6));
        if (lvl >= 2) {
            line.append("  ").append(c.kernels.isEmpty() ? "no kernel" : TraceFormat.kernels(c.kernels))
                    .append("  alloc ").append(TraceFormat.bytes(c.bytes - c.markBytes));
        }
        c.markNanos = c.kernelNanos;
        c.markBytes = c.bytes;
        c.kernels.clear();
    }

    private static boolean sharesMemory(Tensor out, Tensor[] inputs) {
        Object storage = Internals.view(out).storage();
        for (Tensor in : inputs) if (in != null && Internals.view(in).storage() == storage) return true;
        return false;
    }

    /** min/max/mean and non-finite counts, computed with tracing suspended on this thread. */
    private static String summary(Counters c, Tensor t) {
        c.busy = true;
        try {
            return TraceFormat.values(t);
        } finally {
            c.busy = false;
        }
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }

    private static void print(CharSequence line) {
        PrintStream out = sink != null ? sink : System.err;
        synchronized (out) {
            out.println("[trace] " + line);
        }
    }
}
