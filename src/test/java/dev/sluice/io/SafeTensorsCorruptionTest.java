package dev.sluice.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of damaged file must fail with a message that names the file and the problem. */
class SafeTensorsCorruptionTest {
    @TempDir Path dir;
    private byte[] valid;
    private int headerLen;

    @BeforeEach
    void writeValidFile() throws IOException {
        Path f = dir.resolve("valid.safetensors");
        SafeTensors.write(f, Map.of("a", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2), "b", Tensor.of(new long[] {5, 6}, 2)),
                Map.of("k", "v"));
        valid = Files.readAllBytes(f);
        headerLen = (int) ByteBuffer.wrap(valid, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private SafeTensorsFormatException fails(byte[] content, String... fragments) throws IOException {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, content);
        SafeTensorsFormatException e = assertThrows(SafeTensorsFormatException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        for (String frag : fragments) assertTrue(e.getMessage().contains(frag), "expected '" + frag + "' in: " + e.getMessage());
        return e;
    }

    private static byte[] withHeader(String json, byte[] data) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        return b.putLong(h.length).put(h).put(data).array();
    }

    @Test
    void truncatedAtEveryRegion() throws IOException {
        fails(new byte[0], "shorter than the 8-byte");
        fails(Arrays.copyOf(valid, 5), "shorter than the 8-byte");
        fails(Arrays.copyOf(valid, 8), "header length");
        fails(Arrays.copyOf(valid, 8 + headerLen / 2), "header length", "larger than");
        fails(Arrays.copyOf(valid, 8 + headerLen), "truncated data");
        fails(Arrays.copyOf(valid, valid.length - 1), "truncated data");
    }

    @Test
    void flippedHeaderLength() throws IOException {
        byte[] b = valid.clone();
        b[7] = (byte) 0x80; // huge (negative as signed) length
        fails(b, "header length", "larger than");
        byte[] c = valid.clone();
        c[0] = (byte) (c[0] - 8); // header cut short: its JSON is incomplete
        fails(c, "not valid JSON");
    }

    @Test
    void badJsonAndNonObjectHeader() throws IOException {
        fails(withHeader("{\"a\":", new byte[0]), "not valid JSON");
        fails(withHeader("[1,2]", new byte[0]), "must be a JSON object");
        fails(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},}", new byte[4]), "not valid JSON");
        byte[] notUtf8 = withHeader("{\"x\":1}", new byte[0]);
        notUtf8[10] = (byte) 0xff;
        fails(notUtf8, "UTF-8");
    }

    @Test
    void unknownDtype() throws IOException {
        fails(withHeader("{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", new byte[2]),
                "unknown dtype 'F8_E4M3'", "tensor 'a'");
    }

    @Test
    void shapeOffsetsMismatch() throws IOException {
        fails(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]),
                "needs 12 bytes", "span 8");
        fails(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4]), "non-negative");
        fails(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", new byte[4]), "end before");
        fails(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4]), "data_offsets");
    }

    @Test
    void overlappingGapsAndOutOfBufferOffsets() throws IOException {
        String two = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        fails(withHeader(two, new byte[12]), "overlap");
        String gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        fails(withHeader(gap, new byte[8]), "belong to no tensor");
        String outside = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        fails(withHeader(outside, new byte[8]), "truncated data", "only 8 bytes");
        String shortOne = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        fails(withHeader(shortOne, new byte[8]), "unexpected bytes after the last tensor");
    }

    @Test
    void duplicateNames() throws IOException {
        String dup = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        fails(withHeader(dup, new byte[8]), "duplicate tensor name 'a'");
    }

    @Test
    void badMetadata() throws IOException {
        fails(withHeader("{\"__metadata__\":{\"k\":1}}", new byte[0]), "metadata value for 'k' must be a string");
    }
}
