package dev.sluice.backend;

/**
 * The switch for explicit buffer reuse: the autograd engine hands the memory of gradients that only it can reach back
 * to the backend ({@link Backend#recycle}), and the backend serves later allocations from it. On by default;
 * {@code -Dsluice.pool=0} or {@code SLUICE_POOL=0} turns it off (the engine then allocates every gradient afresh, as
 * before reuse existed), to compare speed and to check that results are bit-identical either way.
 */
public final class BufferReuse {
    private static volatile boolean enabled = !isOff(System.getProperty("sluice.pool", System.getenv("SLUICE_POOL")));

    private BufferReuse() {}

    private static boolean isOff(String v) {
        return v != null && (v.equals("0") || v.equalsIgnoreCase("false") || v.equalsIgnoreCase("off"));
    }

    /** Whether gradients' buffers are recycled. */
    public static boolean enabled() { return enabled; }

    /** Turns reuse on or off for backward passes that start from now on; returns the previous setting. */
    public static boolean setEnabled(boolean on) {
        boolean old = enabled;
        enabled = on;
        return old;
    }
}
