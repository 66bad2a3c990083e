package dev.sluice.io;

import dev.sluice.tensor.DType;

/**
 * The element types a safetensors file may hold here, by their header names. F16 and BF16 have no Sluice dtype: they
 * are widened to float32 on read (exactly: every half and bfloat16 value is a float) and narrowed back, rounding to
 * nearest even, on write.
 */
enum StoredType {
    BOOL("BOOL", 1, DType.BOOL),
    F16("F16", 2, DType.FLOAT32),
    BF16("BF16", 2, DType.FLOAT32),
    I32("I32", 4, DType.INT32),
    F32("F32", 4, DType.FLOAT32),
    F64("F64", 8, DType.FLOAT64),
    I64("I64", 8, DType.INT64);
    // declaration order = the reference implementation's Dtype enum order (its files sort tensors by it, descending)

    final String header;
    final int itemSize;
    final DType loaded;

    StoredType(String header, int itemSize, DType loaded) {
        this.header = header;
        this.itemSize = itemSize;
        this.loaded = loaded;
    }

    /** The type named in a header, or null when Sluice cannot read it. */
    static StoredType fromHeader(String name) {
        for (StoredType t : values()) if (t.header.equals(name)) return t;
        return null;
    }

    /** The natural storage of a Sluice dtype. */
    static StoredType of(DType d) {
        return switch (d) {
            case BOOL -> BOOL;
            case INT32 -> I32;
            case INT64 -> I64;
            case FLOAT32 -> F32;
            case FLOAT64 -> F64;
        };
    }

    /** The names accepted in headers, for error messages. */
    static String supported() { return "F32, F16, BF16, F64, I32, I64, BOOL"; }

    /** Whether a tensor of dtype d may be stored as this type. */
    boolean canStore(DType d) {
        return d == loaded && (this != F16 && this != BF16 || d == DType.FLOAT32);
    }

    /** Half precision bits → float (exact, subnormals, infinities and NaN payloads included). */
    static float halfToFloat(short h) {
        if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0) {
            // NaN by bits: Float.float16ToFloat quiets signalling NaNs, which would change them on the way back
            return Float.intBitsToFloat((h & 0x8000) << 16 | 0x7f800000 | (h & 0x3ff) << 13);
        }
        return Float.float16ToFloat(h);
    }

    /** float → half precision bits, round to nearest even; overflow gives ±inf, NaN stays NaN (payload kept where it fits). */
    static short floatToHalf(float f) {
        if (Float.isNaN(f)) {
            int bits = Float.floatToRawIntBits(f);
            int m = (bits >>> 13) & 0x3ff;
            if (m == 0) m = 0x200; // the payload was in the dropped bits: keep it a (quiet) NaN
            return (short) ((bits >>> 16) & 0x8000 | 0x7c00 | m);
        }
        return Float.floatToFloat16(f);
    }

    /** bfloat16 bits → float (exact: bfloat16 is the top half of a float). */
    static float bf16ToFloat(short b) { return Float.intBitsToFloat((b & 0xffff) << 16); }

    /**
     * float → bfloat16 bits, round to nearest even (as PyTorch); a NaN keeps its top bits (so a bfloat16 NaN read here
     * writes back unchanged) and stays a NaN.
     */
    static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            int h = bits >>> 16;
            if ((h & 0x7f) == 0) h |= 0x40; // the payload was in the dropped bits: keep it a (quiet) NaN
            return (short) h;
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
