package dev.sluice.tensor;

/**
 * Where a tensor's storage lives, like {@code torch.device}. {@link #CPU} is always available; {@code Device.cuda(i)}
 * names a GPU (using it where no CUDA device can be driven fails with a message saying why).
 *
 * @param kind the device family
 * @param index the device number within its family (0 for the CPU)
 */
public record Device(Kind kind, int index) {
    /** Device families. */
    public enum Kind {
        /** The host processor, driven by the vectorised Java kernels. */
        CPU,
        /** An NVIDIA GPU, driven through the CUDA driver API. */
        CUDA
    }

    /** The host CPU. */
    public static final Device CPU = new Device(Kind.CPU, 0);

    /**
     * Checks the index.
     *
     * @throws IllegalArgumentException if {@code index} is negative
     */
    public Device {
        if (index < 0) throw new IllegalArgumentException("device index must be >= 0, got " + index);
    }

    /**
     * The i-th CUDA GPU, like {@code torch.device("cuda", i)}.
     *
     * @param index the GPU's ordinal as the CUDA driver numbers them
     * @return the device {@code cuda:index}
     * @throws IllegalArgumentException if {@code index} is negative
     */
    public static Device cuda(int index) { return new Device(Kind.CUDA, index); }

    /**
     * Parses "cpu", "cuda" (= cuda:0) or "cuda:N", as {@link #toString()} writes them (case and surrounding spaces
     * ignored).
     *
     * @param s the device name
     * @return the named device
     * @throws IllegalArgumentException if the name is not one of those forms
     */
    public static Device parse(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("cpu")) return CPU;
        if (t.equals("cuda")) return cuda(0);
        if (t.startsWith("cuda:")) {
            try {
                return cuda(Integer.parseInt(t.substring(5)));
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("unknown device '" + s + "': expected cpu, cuda or cuda:N");
    }

    /**
     * The device's name, as {@link #parse} reads it.
     *
     * @return "cpu" or "cuda:N"
     */
    @Override
    public String toString() { return kind == Kind.CPU ? "cpu" : "cuda:" + index; }
}
