package dev.sluice.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.tensor.DType;
import dev.sluice.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir Path dir;

    private static Map<String, Tensor> allDtypes() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("f32", Tensor.of(new float[] {1.5f, -2f, Float.MIN_VALUE, Float.MAX_VALUE, -0f, Float.NaN}, 2, 3));
        m.put("f64", Tensor.of(new double[] {Math.PI, -1e300, 0.1}, 3));
        m.put("i32", Tensor.of(new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}, 2, 2));
        m.put("i64", Tensor.of(new long[] {Long.MIN_VALUE, 1L << 40, Long.MAX_VALUE}, 3, 1));
        m.put("bool", Tensor.of(new boolean[] {true, false, false, true}, 4));
        m.put("scalar_f32", Tensor.of(new float[] {7.25f}, 1).reshape());
        m.put("scalar_i64", Tensor.of(new long[] {-5L}, 1).reshape());
        m.put("empty_f32", Tensor.zeros(DType.FLOAT32, 0, 3));
        m.put("empty_bool", Tensor.zeros(DType.BOOL, 0));
        return m;
    }

    static void assertSameTensor(Tensor expected, Tensor actual, String name) {
        assertEquals(expected.dtype(), actual.dtype(), name);
        assertArrayEquals(expected.shape(), actual.shape(), name);
        assertTrue(actual.isContiguous(), name);
        switch (expected.dtype()) {
            case FLOAT32 -> {
                float[] e = expected.toFloatArray(), a = actual.toFloatArray();
                for (int i = 0; i < e.length; i++) {
                    assertEquals(Float.floatToRawIntBits(e[i]), Float.floatToRawIntBits(a[i]), name + "[" + i + "]");
                }
            }
            case FLOAT64 -> {
                double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
                for (int i = 0; i < e.length; i++) {
                    assertEquals(Double.doubleToRawLongBits(e[i]), Double.doubleToRawLongBits(a[i]), name + "[" + i + "]");
                }
            }
            case INT32 -> assertArrayEquals(expected.toIntArray(), actual.toIntArray(), name);
            case INT64 -> assertArrayEquals(expected.toLongArray(), actual.toLongArray(), name);
            case BOOL -> assertArrayEquals(expected.toBooleanArray(), actual.toBooleanArray(), name);
        }
    }

    @Test
    void roundTripsAllDtypesScalarsAndEmptyTensors() throws IOException {
        Path f = dir.resolve("all.safetensors");
        Map<String, Tensor> in = allDtypes();
        SafeTensors.write(f, in, Map.of("b", "2", "a", "ü"));
        SafeTensorsFile file = SafeTensors.read(f);
        assertEquals(in.keySet(), new java.util.HashSet<>(file.names()));
        for (String name : in.keySet()) assertSameTensor(in.get(name), file.tensor(name), name);
        assertEquals(Map.of("a", "ü", "b", "2"), file.metadata());
        assertEquals(List.of("a", "b"), List.copyOf(file.metadata().keySet()), "metadata is written sorted");
        Map<String, Tensor> all = SafeTensors.readAll(f);
        assertEquals(file.names(), List.copyOf(all.keySet()));
        for (String name : in.keySet()) assertSameTensor(in.get(name), all.get(name), name);
    }

    @Test
    void headerIsPaddedTo8BytesAndOrderedLikeTheReference() throws IOException {
        Path f = dir.resolve("order.safetensors");
        SafeTensors.write(f, allDtypes(), null);
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertFalse(header.contains("__metadata__"), "null metadata writes no entry");
        // dtype widest-first (I64, F64, F32, I32, BOOL), then names
        assertEquals(List.of("i64", "scalar_i64", "f64", "empty_f32", "f32", "scalar_f32", "i32", "bool", "empty_bool"),
                SafeTensors.read(f).names());
    }

    @Test
    void nonContiguousTensorIsWrittenInLogicalOrder() throws IOException {
        Tensor m = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor t = m.t();
        assertFalse(t.isContiguous());
        Path f = dir.resolve("t.safetensors");
        SafeTensors.write(f, Map.of("t", t, "col", m.select(1, 1)), null);
        Tensor back = SafeTensors.read(f).tensor("t");
        assertArrayEquals(new int[] {3, 2}, back.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, back.toFloatArray());
        assertArrayEquals(new float[] {2, 5}, SafeTensors.read(f).tensor("col").toFloatArray());
    }

    @Test
    void invalidNameFailsBeforeTheTargetIsTouched() throws IOException {
        Path f = dir.resolve("model.safetensors");
        SafeTensors.write(f, Map.of("w", Tensor.vector(1, 2)), null);
        byte[] before = Files.readAllBytes(f);
        for (String bad : new String[] {"", SafeTensors.METADATA_KEY}) {
            Map<String, Tensor> m = new LinkedHashMap<>();
            m.put("ok", Tensor.vector(3));
            m.put(bad, Tensor.vector(4));
            assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(f, m, null));
        }
        assertArrayEquals(before, Files.readAllBytes(f));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList(), "no temporary files left behind");
        }
    }

    @Test
    void nullMetadataValueFailsBeforeTheTargetIsTouched() throws IOException {
        Path f = dir.resolve("model.safetensors");
        SafeTensors.write(f, Map.of("w", Tensor.vector(1, 2)), null);
        byte[] before = Files.readAllBytes(f);
        // Detected while building the header, after the tensors were accepted; still nothing may reach the disk
        Map<String, String> meta = new java.util.HashMap<>();
        meta.put("k", null);
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(f, Map.of("w", Tensor.vector(9)), meta));
        assertArrayEquals(before, Files.readAllBytes(f));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void missingTensorNameIsReported() throws IOException {
        Path f = dir.resolve("m.safetensors");
        SafeTensors.write(f, Map.of("w", Tensor.vector(1)), null);
        var e = assertThrows(java.util.NoSuchElementException.class, () -> SafeTensors.read(f).tensor("bias"));
        assertTrue(e.getMessage().contains("bias") && e.getMessage().contains("[w]"), e.getMessage());
    }
}
