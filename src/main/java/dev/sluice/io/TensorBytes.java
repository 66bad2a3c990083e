package dev.sluice.io;

import dev.sluice.backend.cpu.CpuStorage;
import dev.sluice.internal.Internals;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Converts tensors to and from little-endian, row-major bytes (the safetensors data layout). */
final class TensorBytes {
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Elements converted per chunk when writing, so only a few MB of temporaries are alive at once. */
    private static final int CHUNK = 1 << 20;

    private TensorBytes() {}

    /** The tensor's elements in logical row-major order, little-endian, whatever its strides. */
    static byte[] toLittleEndian(Tensor t) {
        ByteArrayOut out = new ByteArrayOut(Math.multiplyExact(t.numel(), t.dtype().itemSize()));
        try {
            write(t, StoredType.of(t.dtype()), out);
        } catch (IOException e) {
            throw new AssertionError(e); // an in-memory stream does not fail
        }
        return out.buf;
    }

    /** Writes the tensor's elements, converted to {@code type}, in row-major order, little-endian. */
    static void write(Tensor t, StoredType type, OutputStream out) throws IOException {
        int n = t.numel();
        if (type == StoredType.BOOL) {
            boolean[] b = t.toBooleanArray();
            byte[] bytes = new byte[n];
            for (int i = 0; i < n; i++) bytes[i] = (byte) (b[i] ? 1 : 0);
            out.write(bytes);
            return;
        }
        if (type == StoredType.I32 || type == StoredType.I64 || type == StoredType.F64) {
            ByteBuffer buf = ByteBuffer.allocate(Math.multiplyExact(n, type.itemSize)).order(ByteOrder.LITTLE_ENDIAN);
            switch (type) {
                case I32 -> buf.asIntBuffer().put(t.toIntArray());
                case I64 -> buf.asLongBuffer().put(t.toLongArray());
                default -> buf.asDoubleBuffer().put(t.toDoubleArray());
            }
            out.write(buf.array());
            return;
        }
        // float32 stored as F32, F16 or BF16: convert a chunk of rows at a time
        Tensor flat = t.contiguous().reshape(n);
        for (int from = 0; from < n; from += CHUNK) {
            int len = Math.min(CHUNK, n - from);
            float[] f = flat.narrow(0, from, len).toFloatArray();
            ByteBuffer buf = ByteBuffer.allocate(len * type.itemSize).order(ByteOrder.LITTLE_ENDIAN);
            switch (type) {
                case F32 -> buf.asFloatBuffer().put(f);
                case F16 -> { for (int i = 0; i < len; i++) buf.putShort(2 * i, StoredType.floatToHalf(f[i])); }
                case BF16 -> { for (int i = 0; i < len; i++) buf.putShort(2 * i, StoredType.floatToBf16(f[i])); }
                default -> throw new AssertionError(type);
            }
            out.write(buf.array());
        }
    }

    /** A new contiguous CPU tensor from {@code length} little-endian bytes at {@code offset}. */
    static Tensor fromLittleEndian(DType dtype, int[] shape, byte[] src, int offset, int length) {
        return fromSegment(StoredType.of(dtype), shape, MemorySegment.ofArray(src), offset);
    }

    /**
     * A new contiguous CPU tensor of {@code type.loaded} from the elements stored at {@code offset} of seg (F16 and
     * BF16 widened to float32). Float tensors are filled in place: no temporary array of the tensor's size.
     */
    static Tensor fromSegment(StoredType type, int[] shape, MemorySegment seg, long offset) {
        int n = dev.sluice.backend.View.numel(shape);
        // Tensor.of treats an empty shape as "1-d of the array's length", so 0-d tensors are reshaped afterwards
        int[] createShape = shape.length == 0 ? new int[] {1} : shape;
        Tensor t = switch (type) {
            case F32, F16, BF16 -> {
                Tensor z = Tensor.zeros(createShape);
                float[] a = CpuStorage.floats(Internals.view(z).storage());
                if (type == StoredType.F32) {
                    MemorySegment.copy(seg, F32_LE, offset, a, 0, n);
                } else if (type == StoredType.F16) {
                    for (int i = 0; i < n; i++) a[i] = StoredType.halfToFloat(seg.get(I16_LE, offset + 2L * i));
                } else {
                    for (int i = 0; i < n; i++) a[i] = StoredType.bf16ToFloat(seg.get(I16_LE, offset + 2L * i));
                }
                yield z;
            }
            case F64 -> {
                double[] a = new double[n];
                MemorySegment.copy(seg, F64_LE, offset, a, 0, n);
                yield Tensor.of(a, createShape);
            }
            case I32 -> {
                int[] a = new int[n];
                MemorySegment.copy(seg, I32_LE, offset, a, 0, n);
                yield Tensor.of(a, createShape);
            }
            case I64 -> {
                long[] a = new long[n];
                MemorySegment.copy(seg, I64_LE, offset, a, 0, n);
                yield Tensor.of(a, createShape);
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) a[i] = seg.get(ValueLayout.JAVA_BYTE, offset + i) != 0;
                yield Tensor.of(a, createShape);
            }
        };
        return shape.length == 0 ? t.reshape() : t;
    }

    /** A fixed-size in-memory sink. */
    private static final class ByteArrayOut extends OutputStream {
        final byte[] buf;
        int pos;

        ByteArrayOut(int size) { buf = new byte[size]; }

        @Override
        public void write(int b) { buf[pos++] = (byte) b; }

        @Override
        public void write(byte[] b, int off, int len) {
            System.arraycopy(b, off, buf, pos, len);
            pos += len;
        }
    }
}
