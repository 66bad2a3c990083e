package dev.sluice.io;

/** Element types of the IDX format (the third byte of the magic number); values are big-endian. */
public enum IdxType {
    /** 0x08: unsigned byte, the type of MNIST images and labels. */
    UNSIGNED_BYTE(0x08, 1),
    /** 0x09: signed byte. */
    SIGNED_BYTE(0x09, 1),
    /** 0x0B: 16-bit signed integer. */
    SHORT(0x0B, 2),
    /** 0x0C: 32-bit signed integer. */
    INT(0x0C, 4),
    /** 0x0D: 32-bit float. */
    FLOAT(0x0D, 4),
    /** 0x0E: 64-bit float. */
    DOUBLE(0x0E, 8);

    private final int code;
    private final int itemSize;

    IdxType(int code, int itemSize) {
        this.code = code;
        this.itemSize = itemSize;
    }

    /**
     * The type byte in the file's magic number.
     *
     * @return the code, 0x08 to 0x0E
     */
    public int code() { return code; }

    /**
     * Bytes per element.
     *
     * @return 1, 2, 4 or 8
     */
    public int itemSize() { return itemSize; }

    /** The type with this code, or null if the code is not an IDX type. */
    static IdxType fromCode(int code) {
        for (IdxType t : values()) if (t.code == code) return t;
        return null;
    }
}
