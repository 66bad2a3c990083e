package dev.sluice.io;

import dev.sluice.tensor.DType;
import dev.sluice.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Converts tensors to and from little-endian, row-major bytes (the safetensors data layout). */
final class TensorBytes {
    private TensorBytes() {}

    /** The tensor's elements in logical row-major order, little-endian, whatever its strides. */
    static byte[] toLittleEndian(Tensor t) {
        // to*Array() walks the view in logical order, so transposed or sliced tensors come out contiguous
        int n = t.numel();
        ByteBuffer buf = ByteBuffer.allocate(Math.multiplyExact(n, t.dtype().itemSize())).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case FLOAT32 -> buf.asFloatBuffer().put(t.toFloatArray());
            case FLOAT64 -> buf.asDoubleBuffer().put(t.toDoubleArray());
            case INT32 -> buf.asIntBuffer().put(t.toIntArray());
            case INT64 -> buf.asLongBuffer().put(t.toLongArray());
            case BOOL -> {
                boolean[] b = t.toBooleanArray();
                for (int i = 0; i < n; i++) buf.put(i, (byte) (b[i] ? 1 : 0));
            }
        }
        return buf.array();
    }

    /** A new contiguous CPU tensor from {@code length} little-endian bytes at {@code offset}. */
    static Tensor fromLittleEndian(DType dtype, int[] shape, byte[] src, int offset, int length) {
        ByteBuffer buf = ByteBuffer.wrap(src, offset, length).slice().order(ByteOrder.LITTLE_ENDIAN);
        int n = length / dtype.itemSize();
        // Tensor.of treats an empty shape as "1-d of the array's length", so 0-d tensors are reshaped afterwards
        int[] createShape = shape.length == 0 ? new int[] {1} : shape;
        Tensor t = switch (dtype) {
            case FLOAT32 -> {
                float[] a = new float[n];
                buf.asFloatBuffer().get(a);
                yield Tensor.of(a, createShape);
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                buf.asDoubleBuffer().get(a);
                yield Tensor.of(a, createShape);
            }
            case INT32 -> {
                int[] a = new int[n];
                buf.asIntBuffer().get(a);
                yield Tensor.of(a, createShape);
            }
            case INT64 -> {
                long[] a = new long[n];
                buf.asLongBuffer().get(a);
                yield Tensor.of(a, createShape);
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) a[i] = buf.get(i) != 0;
                yield Tensor.of(a, createShape);
            }
        };
        return shape.length == 0 ? t.reshape() : t;
    }
}
