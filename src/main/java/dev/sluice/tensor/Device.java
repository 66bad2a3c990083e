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

    @Override
    public String toString() { return kind == Kind.CPU ? "cpu" : "cuda:" + index; }
}
