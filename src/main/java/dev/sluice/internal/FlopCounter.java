package dev.sluice.internal;

import java.util.concurrent.atomic.LongAdder;

/** Counts the floating-point operations of matrix products as they are dispatched (2·m·n·k each). */
public final class FlopCounter {
    private static final LongAdder MATMUL = new LongAdder();
    /** The same count for the products each thread dispatched (a kernel's pool workers count for the thread that called it). */
    private static final ThreadLocal<long[]> MATMUL_THIS_THREAD = ThreadLocal.withInitial(() -> new long[1]);

    private FlopCounter() {}

    /** Records one product of [m, k]·[k, n] repeated {@code batch} times. */
    public static void matmul(long batch, long m, long n, long k) {
        long flops = 2 * batch * m * n * k;
        MATMUL.add(flops);
        MATMUL_THIS_THREAD.get()[0] += flops;
    }

    /** Matrix-product FLOPs since the JVM started. */
    public static long matmulFlops() { return MATMUL.sum(); }

    /** Matrix-product FLOPs dispatched by the calling thread since it started. */
    public static long matmulFlopsThisThread() { return MATMUL_THIS_THREAD.get()[0]; }
}
