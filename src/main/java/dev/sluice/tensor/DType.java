package dev.sluice.tensor;

/** Element types. float32 is the compute type; float64 serves gradient checking; int32/int64 index; bool masks. */
public enum DType {
    FLOAT32("F32", 4, true),
    FLOAT64("F64", 8, true),
    INT32("I32", 4, false),
    INT64("I64", 8, false),
    BOOL("BOOL", 1, false);

    private final String safetensorsName;
    private final int itemSize;
    private final boolean floating;

    DType(String safetensorsName, int itemSize, boolean floating) {
        this.safetensorsName = safetensorsName;
        this.itemSize = itemSize;
        this.floating = floating;
    }

    /** Bytes per element. */
    public int itemSize() { return itemSize; }

    /** True for float32 and float64: the dtypes that can require gradients. */
    public boolean isFloating() { return floating; }

    /** The dtype's name in the safetensors format ("F32", "I64", ...). */
    public String safetensorsName() { return safetensorsName; }

    /** The dtype with a given safetensors name, or an error naming the supported ones. */
    public static DType fromSafetensorsName(String name) {
        for (DType d : values()) if (d.safetensorsName.equals(name)) return d;
        throw new IllegalArgumentException("unsupported safetensors dtype '" + name + "' (supported: F32, F64, I32, I64, BOOL)");
    }

    /**
     * The result dtype of a binary op on a and b, following PyTorch's promotion of tensor operands: bool &lt; int32 &lt;
     * int64 &lt; float32 &lt; float64.
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

    @Override
    public String toString() { return name().toLowerCase(java.util.Locale.ROOT); }
}
