package dev.sluice.autograd;

import dev.sluice.internal.Trace;
import dev.sluice.tensor.Tensor;

import java.io.PrintStream;

/**
 * Prints every op as it runs, forward and backward (like tinygrad's {@code DEBUG=n}). Off by default; turn it on with
 * {@code SLUICE_TRACE=n} or {@code -Dsluice.trace=n} for a whole run, {@link dev.sluice.Sluice#setTrace} at any time,
 * or a scope:
 * {@snippet :
 * try (var trace = OpTrace.enable(2, System.out)) {
 *     Tensor loss = model.forward(x).sub(y).square().mean();
 *     loss.backward();
 * }
 * }
 *
 * <p>Levels (each adds to the one before):
 * <ol>
 *   <li>one line per forward op ({@code fwd}: name, input shapes and dtypes → output shape, dtype and device, kernel
 *       time) and per backward node ({@code bwd}: the gradient it got → the gradients it returned, wall time of its
 *       rule); in-place ops ({@code add_}, {@code copy_}...) get a line too;</li>
 *   <li>+ the kernels each op ran (the kernel set — {@code vector-512}, {@code vector-256}, {@code scalar},
 *       {@code scalar-float64}, {@code cuda} — and the kernel) and the bytes it allocated;</li>
 *   <li>+ the ops each backward rule runs, indented under its node, and what each forward op saved for backward;</li>
 *   <li>+ a values summary of every output and gradient: min, max, mean and NaN/Inf counts (copies each to the host:
 *       slow).</li>
 * </ol>
 * Lines start with {@code [trace]} and go to a {@link PrintStream} (standard error by default). The time of a
 * {@code fwd} line is the time its kernels took (a view, such as {@code reshape}, runs none); kernels of ops that are
 * not recorded (creation, comparisons) are counted on the next line. With the trace off, ops pay one volatile read.
 */
public final class OpTrace {
    private OpTrace() {}

    /**
     * The level in force: 0 (off) to 4.
     *
     * @return the trace level
     */
    public static int level() { return Trace.level(); }

    /**
     * Sets the trace level for the whole JVM, printing to standard error.
     *
     * @param level 0 (off) to 4, see the levels above
     * @throws IllegalArgumentException if {@code level} is outside [0, 4]
     */
    public static void setLevel(int level) { Trace.set(check(level), null); }

    /**
     * Turns the trace on at {@code level}, printing to standard error, until the returned scope is closed.
     *
     * @param level 1 to 4 (0 turns it off inside the scope)
     * @return a scope whose {@code close()} restores the previous level and stream
     * @throws IllegalArgumentException if {@code level} is outside [0, 4]
     */
    public static Scope enable(int level) { return enable(level, null); }

    /**
     * Turns the trace on at {@code level}, printing to {@code out}, until the returned scope is closed. The setting is
     * global (all threads), as ops on pool threads belong to the same run.
     *
     * @param level 1 to 4 (0 turns it off inside the scope)
     * @param out where the lines go; null means standard error
     * @return a scope whose {@code close()} restores the previous level and stream
     * @throws IllegalArgumentException if {@code level} is outside [0, 4]
     */
    public static Scope enable(int level, PrintStream out) {
        check(level);
        Scope scope = new Scope(Trace.level(), Trace.sink());
        Trace.set(level, out);
        return scope;
    }

    private static int check(int level) {
        if (level < 0 || level > Trace.MAX_LEVEL) {
            throw new IllegalArgumentException("trace level must be in [0, " + Trace.MAX_LEVEL + "], got " + level);
        }
        return level;
    }

    /** A trace setting that restores the previous one when closed. */
    public static final class Scope implements AutoCloseable {
        private final int previousLevel;
        private final PrintStream previousOut;
        private boolean closed;

        private Scope(int previousLevel, PrintStream previousOut) {
            this.previousLevel = previousLevel;
            this.previousOut = previousOut;
        }

        /** Restores the level and stream in force before {@link #enable}. Idempotent. */
        @Override
        public void close() {
            if (closed) return;
            closed = true;
            Trace.set(previousLevel, previousOut);
        }
    }

    /** {@code node.apply(grad)}; with the trace on, also timed and printed (the engine's one hook). */
    static Tensor[] apply(Node node, Tensor grad) {
        if (!Trace.on) return node.apply(grad);
        long[] mark = Trace.beginBackward();
        Tensor[] grads;
        try {
            grads = node.apply(grad);
        } catch (RuntimeException | Error e) {
            Trace.abortBackward();
            throw e;
        }
        Trace.endBackward(mark, node.name(), grad, grads);
        return grads;
    }
}
