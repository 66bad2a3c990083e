package dev.sluice.tensor;

/**
 * Where a tensor's storage lives. {@link #CPU} is always available; {@code Device.cuda(i)} names a GPU (the CUDA
 * backend is its own module of work; using it without one fails with a message saying why).
 */
public record Device(Kind kind, int index) {
    /** Device families. */
    public enum Kind { CPU, CUDA }

    /** The host CPU. */
    public static final Device CPU = new Device(Kind.CPU, 0);

    public Device {
        if (index < 0) throw new IllegalArgumentException("device index must be >= 0, got " + index);
    }

    /** The i-th CUDA GPU. */
    public static Device cuda(int index) { return new Device(Kind.CUDA, index); }

    /** "cpu", "cuda" (= cuda:0) or "cuda:N", as {@link #toString()} writes them. */
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

    @Override
    public String toString() { return kind == Kind.CPU ? "cpu" : "cuda:" + index; }
}
