package dev.sluice.tensor;

/**
 * Element types. float32 is the compute type; float64 serves gradient checking; int32/int64 index; bool masks. Binary
 * ops on two dtypes compute in {@link #promote}.
 */
public enum DType {
    /** 32-bit IEEE float ({@code torch.float32}): the default dtype of parameters and activations. */
    FLOAT32("F32", 4, true),
    /** 64-bit IEEE float ({@code torch.float64}), used for gradient checking. */
    FLOAT64("F64", 8, true),
    /** 32-bit signed integer ({@code torch.int32}), accepted as an index. */
    INT32("I32", 4, false),
    /** 64-bit signed integer ({@code torch.int64}): the dtype of indices, labels, argmax and integer sums. */
    INT64("I64", 8, false),
    /** Boolean ({@code torch.bool}), one byte per element: the result of comparisons and the dtype of masks. */
    BOOL("BOOL", 1, false);

    private final String safetensorsName;
    private final int itemSize;
    private final boolean floating;

    DType(String safetensorsName, int itemSize, boolean floating) {
        this.safetensorsName = safetensorsName;
        this.itemSize = itemSize;
        this.floating = floating;
    }

    /**
     * Bytes per element in storage and in safetensors files.
     *
     * @return 4 or 8 for the numeric types, 1 for bool
     */
    public int itemSize() { return itemSize; }

    /**
     * Whether this is float32 or float64: the dtypes that can require gradients.
     *
     * @return true for the floating-point dtypes
     */
    public boolean isFloating() { return floating; }

    /**
     * The dtype's name in the safetensors format.
     *
     * @return "F32", "F64", "I32", "I64" or "BOOL"
     */
    public String safetensorsName() { return safetensorsName; }

    /**
     * The dtype with a given safetensors name.
     *
     * @param name a safetensors dtype string such as "F32"
     * @return the matching dtype
     * @throws IllegalArgumentException if the name is not one of the supported ones (the message lists them)
     */
    public static DType fromSafetensorsName(String name) {
        for (DType d : values()) if (d.safetensorsName.equals(name)) return d;
        throw new IllegalArgumentException("unsupported safetensors dtype '" + name + "' (supported: F32, F64, I32, I64, BOOL)");
    }

    /**
     * The result dtype of a binary op on a and b, following PyTorch's promotion of tensor operands: bool &lt; int32
     * &lt; int64 &lt; float32 &lt; float64.
     *
     * @param a the first operand's dtype
     * @param b the second operand's dtype
     * @return the higher-ranked of the two
     */
    public static DType promote(DType a, DType b) {
        return a.rank() >= b.rank() ? a : b;
    }

    private int rank() {
        return switch (this) {
            case BOOL -> 0;
            case INT32 -> 1;
            case INT64 -> 2;
            case FLOAT32 -> 3;
            case FLOAT64 -> 4;
        };
    }

    /**
     * The lower-case name, as PyTorch prints dtypes without the {@code torch.} prefix.
     *
     * @return "float32", "int64", ...
     */
    @Override
    public String toString() { return name().toLowerCase(java.util.Locale.ROOT); }
}
