package dev.sluice.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HalfPrecisionTest {
    @TempDir
    Path tmp;

    @Test
    void halfConversionCoversSubnormalsInfinitiesAndNaN() {
        assertEquals(0x1p-24f, StoredType.halfToFloat((short) 0x0001));            // smallest subnormal
        assertEquals(0x3ffp-24f, StoredType.halfToFloat((short) 0x03ff));          // largest subnormal
        assertEquals(65504f, StoredType.halfToFloat((short) 0x7bff));
        assertEquals(Float.POSITIVE_INFINITY, StoredType.halfToFloat((short) 0x7c00));
        assertEquals(Float.NEGATIVE_INFINITY, StoredType.halfToFloat((short) 0xfc00));
        assertTrue(Float.isNaN(StoredType.halfToFloat((short) 0x7e00)));
        assertEquals(-0.0f, StoredType.halfToFloat((short) 0x8000));
        assertEquals((short) 0x7c00, StoredType.floatToHalf(65520f));              // rounds up to overflow
        assertEquals((short) 0x3c00, StoredType.floatToHalf(1 + 0x1p-11f));        // tie to even (down)
        assertEquals((short) 0x3c02, StoredType.floatToHalf(1 + 3 * 0x1p-11f));    // tie to even (up)
        for (int h = 0; h < 65536; h++) {                                           // every half round-trips exactly
            assertEquals((short) h, StoredType.floatToHalf(StoredType.halfToFloat((short) h)), "half " + Integer.toHexString(h));
        }
    }

    @Test
    void bfloat16ConversionRoundsToNearestEvenAndKeepsNaN() {
        assertEquals(1f, StoredType.bf16ToFloat((short) 0x3f80));
        assertEquals(0x1p-133f, StoredType.bf16ToFloat((short) 0x0001));           // subnormal
        assertEquals(Float.NEGATIVE_INFINITY, StoredType.bf16ToFloat((short) 0xff80));
        assertEquals((short) 0x3f80, StoredType.floatToBf16(Float.intBitsToFloat(0x3f808000)));   // tie to even (down)
        assertEquals((short) 0x3f82, StoredType.floatToBf16(Float.intBitsToFloat(0x3f818000)));   // tie to even (up)
        assertEquals((short) 0x3f81, StoredType.floatToBf16(Float.intBitsToFloat(0x3f808001)));   // above the tie
        assertEquals((short) 0x7f80, StoredType.floatToBf16(Float.MAX_VALUE));                    // overflow to inf
        assertTrue(Float.isNaN(StoredType.bf16ToFloat(StoredType.floatToBf16(Float.intBitsToFloat(0x7f800001)))));
        for (int h = 0; h < 65536; h++) {
            assertEquals((short) h, StoredType.floatToBf16(StoredType.bf16ToFloat((short) h)), "bf16 " + Integer.toHexString(h));
        }
    }

    @Test
    void halfTensorsReadAsFloat32AndWriteBackByteForByte() throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("h", Tensor.of(new float[] {1.5f, -0.0f, 0x1p-24f, 65504f, Float.POSITIVE_INFINITY, 1 / 3f}, 2, 3));
        t.put("b", Tensor.of(new float[] {1.5f, 0x1p-133f, Float.NEGATIVE_INFINITY, 1 / 3f}, 4));
        t.put("f", Tensor.of(new float[] {1 / 3f}, 1));
        Path a = tmp.resolve("a.safetensors"), b = tmp.resolve("b.safetensors");
        SafeTensors.write(a, t, Map.of("format", "pt"), Map.of("h", "F16", "b", "BF16"));
        SafeTensorsFile f = SafeTensors.read(a);
        assertEquals("F16", f.storedDtype("h"));
        assertEquals("BF16", f.storedDtype("b"));
        assertEquals("F32", f.storedDtype("f"));
        assertEquals(dev.sluice.tensor.DType.FLOAT32, f.tensor("h").dtype());
        float[] h = f.tensor("h").toFloatArray();
        assertEquals(0x1p-24f, h[2]);
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(h[1]));
        assertEquals(StoredType.halfToFloat(StoredType.floatToHalf(1 / 3f)), h[5]);
        SafeTensors.write(b, f.tensors(), f.metadata(), Map.of("h", f.storedDtype("h"), "b", f.storedDtype("b")));
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(b, Map.of("i", Tensor.of(new long[] {1}, 1)), null, Map.of("i", "F16")));
    }
}
