package dev.sluice.internal;

import java.util.concurrent.atomic.LongAdder;

/** Counts the floating-point operations of matrix products as they are dispatched (2·m·n·k each). */
public final class FlopCounter {
    private static final LongAdder MATMUL = new LongAdder();

    private FlopCounter() {}

    /** Records one product of [m, k]·[k, n] repeated {@code batch} times. */
    public static void matmul(long batch, long m, long n, long k) { MATMUL.add(2 * batch * m * n * k); }

    /** Matrix-product FLOPs since the JVM started. */
    public static long matmulFlops() { return MATMUL.sum(); }
}
