package dev.sluice.io;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An array read from an IDX file.
 *
 * @param type  the element type
 * @param shape the dimensions, outermost first (for MNIST images: count, rows, cols)
 * @param data  the elements in row-major order, exactly as stored: big-endian, {@code type.itemSize()} bytes each. Not
 *              copied (datasets are large); treat as read-only.
 */
public record IdxArray(IdxType type, int[] shape, byte[] data) {
    /** Checks that data holds exactly the elements the shape implies. */
    public IdxArray {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("IdxArray: negative dimension in " + Arrays.toString(shape));
            n *= d;
        }
        if (n * type.itemSize() != data.length) {
            throw new IllegalArgumentException("IdxArray: shape " + Arrays.toString(shape) + " of " + type + " needs "
                    + n * type.itemSize() + " bytes, got " + data.length);
        }
        shape = shape.clone();
    }

    /**
     * A copy of the dimensions.
     *
     * @return the dimensions, outermost first; changing the array does not affect this record
     */
    @Override
    public int[] shape() { return shape.clone(); }

    /**
     * Equal when type, shape and every element byte are equal (records compare arrays by identity otherwise).
     *
     * @param o the object to compare with
     * @return true for an IdxArray with the same type, shape and bytes
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof IdxArray a && a.type == type && Arrays.equals(a.shape, shape) && Arrays.equals(a.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * type.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
    }

    /**
     * Type and shape only: the data can be tens of megabytes.
     *
     * @return e.g. {@code IdxArray[UNSIGNED_BYTE [60000, 28, 28]]}
     */
    @Override
    public String toString() {
        return "IdxArray[" + type + " " + Arrays.toString(shape) + "]";
    }

    /**
     * The number of dimensions.
     *
     * @return the length of the shape (3 for MNIST images, 1 for labels)
     */
    public int rank() { return shape.length; }

    /**
     * The number of elements.
     *
     * @return the product of the shape
     */
    public int numel() { return data.length / type.itemSize(); }

    /**
     * Element {@code i} (row-major) as a double, whatever the type; unsigned bytes give 0..255.
     *
     * @param i the flat row-major index, in [0, numel())
     * @return the element's value
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public double get(int i) {
        ByteBuffer b = ByteBuffer.wrap(data); // big-endian, the IDX byte order, is ByteBuffer's default
        return switch (type) {
            case UNSIGNED_BYTE -> data[i] & 0xFF;
            case SIGNED_BYTE -> data[i];
            case SHORT -> b.getShort(i * 2);
            case INT -> b.getInt(i * 4);
            case FLOAT -> b.getFloat(i * 4);
            case DOUBLE -> b.getDouble(i * 8);
        };
    }

    /**
     * All elements as floats (unsigned bytes give 0..255, unscaled).
     *
     * @return a new array of {@link #numel()} values in row-major order
     */
    public float[] toFloatArray() {
        float[] out = new float[numel()];
        if (type == IdxType.UNSIGNED_BYTE) {
            for (int i = 0; i < out.length; i++) out[i] = data[i] & 0xFF;
        } else {
            for (int i = 0; i < out.length; i++) out[i] = (float) get(i);
        }
        return out;
    }

    /**
     * All elements as ints (unsigned bytes give 0..255).
     *
     * @return a new array of {@link #numel()} values in row-major order
     * @throws IllegalStateException for the floating-point types, which would need rounding
     */
    public int[] toIntArray() {
        if (type == IdxType.FLOAT || type == IdxType.DOUBLE) {
            throw new IllegalStateException("IdxArray.toIntArray: elements are " + type + ", not integers");
        }
        int[] out = new int[numel()];
        for (int i = 0; i < out.length; i++) out[i] = (int) get(i);
        return out;
    }
}
