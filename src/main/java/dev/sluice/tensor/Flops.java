package dev.sluice.tensor;

import dev.sluice.internal.FlopCounter;

/**
 * FLOP accounting: every matrix product Sluice runs (forward and backward, any device) is counted as 2·m·n·k
 * operations. Take the difference of two readings to cost a phase of training; elementwise work is not counted
 * (it is small next to the products in the models here, and its cost depends on the kernel).
 */
public final class Flops {
    private Flops() {}

    /**
     * Matrix-product FLOPs run by this JVM so far (all threads, all devices).
     *
     * @return the running total of 2·m·n·k over every product since start-up
     */
    public static long matmul() { return FlopCounter.matmulFlops(); }

    /**
     * Matrix-product FLOPs of the products the calling thread ran so far (a product split over Sluice's pool counts
     * once, for the thread that called it). Unlike {@link #matmul()}, a reading is not disturbed by other threads
     * training at the same time, e.g. several configs of a sweep run as tasks in one JVM.
     *
     * @return the running total of 2·m·n·k over every product this thread dispatched
     */
    public static long matmulOnThisThread() { return FlopCounter.matmulFlopsThisThread(); }
}
