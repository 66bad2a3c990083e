package dev.sluice.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir Path dir;

    /** An IDX file: magic 00 00 type ndim, big-endian dims, then the given element bytes. */
    static byte[] idx(int typeCode, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) typeCode).put((byte) dims.length);
        for (int d : dims) b.putInt(d);
        return b.put(data).array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bos)) {
            out.write(raw);
        }
        return bos.toByteArray();
    }

    private Path write(String name, byte[] content) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content);
        return f;
    }

    private static byte[] ubytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 37);
        return b;
    }

    @Test
    void readsRawAndGzippedUnsignedBytesRegardlessOfFileName() throws IOException {
        byte[] raw = idx(0x08, new int[] {2, 3, 4}, ubytes(24));
        // names deliberately lie about compression: detection is by content
        for (Path f : new Path[] {write("raw.gz", raw), write("packed.idx", gzip(raw))}) {
            IdxArray a = IdxReader.read(f);
            assertEquals(IdxType.UNSIGNED_BYTE, a.type());
            assertArrayEquals(new int[] {2, 3, 4}, a.shape());
            assertEquals(24, a.numel());
            int[] v = a.toIntArray();
            for (int i = 0; i < 24; i++) assertEquals((i * 37) & 0xFF, v[i], "element " + i);
            assertEquals((5 * 37) & 0xFF, a.toFloatArray()[5]);
        }
        assertEquals(IdxReader.read(dir.resolve("raw.gz")), IdxReader.read(dir.resolve("packed.idx")));
        assertEquals("IdxArray[UNSIGNED_BYTE [2, 3, 4]]", IdxReader.read(dir.resolve("raw.gz")).toString());
    }

    @Test
    void readsOtherTypesBigEndian() throws IOException {
        ByteBuffer ints = ByteBuffer.allocate(12).putInt(-1).putInt(7).putInt(Integer.MAX_VALUE);
        IdxArray i = IdxReader.read(write("i.idx", idx(0x0C, new int[] {3}, ints.array())));
        assertArrayEquals(new int[] {-1, 7, Integer.MAX_VALUE}, i.toIntArray());

        ByteBuffer floats = ByteBuffer.allocate(8).putFloat(1.5f).putFloat(-0.25f);
        IdxArray f = IdxReader.read(write("f.idx", gzip(idx(0x0D, new int[] {1, 2}, floats.array()))));
        assertArrayEquals(new float[] {1.5f, -0.25f}, f.toFloatArray());
        assertThrows(IllegalStateException.class, f::toIntArray);

        ByteBuffer doubles = ByteBuffer.allocate(8).putDouble(Math.E);
        assertEquals(Math.E, IdxReader.read(write("d.idx", idx(0x0E, new int[] {1}, doubles.array()))).get(0));

        ByteBuffer shorts = ByteBuffer.allocate(4).putShort((short) -300).putShort((short) 300);
        assertArrayEquals(new int[] {-300, 300}, IdxReader.read(write("s.idx", idx(0x0B, new int[] {2}, shorts.array()))).toIntArray());

        assertArrayEquals(new int[] {-1, 127}, IdxReader.read(write("b.idx", idx(0x09, new int[] {2}, new byte[] {-1, 127}))).toIntArray());
    }

    @Test
    void emptyDimensionIsFine() throws IOException {
        IdxArray a = IdxReader.read(write("e.idx", idx(0x08, new int[] {0, 28, 28}, new byte[0])));
        assertArrayEquals(new int[] {0, 28, 28}, a.shape());
        assertEquals(0, a.numel());
    }

    private void fails(byte[] content, String... fragments) throws IOException {
        for (boolean compress : new boolean[] {false, true}) {
            Path f = write(compress ? "bad.gz" : "bad.idx", compress ? gzip(content) : content);
            IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f));
            assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
            for (String frag : fragments) assertTrue(e.getMessage().contains(frag), "expected '" + frag + "' in: " + e.getMessage());
        }
    }

    @Test
    void badMagic() throws IOException {
        fails(new byte[] {1, 0, 8, 1, 0, 0, 0, 0}, "bad magic number 01 00 08 01");
        fails(new byte[] {0, 0, 0x42, 1, 0, 0, 0, 0}, "unknown element type 0x42");
        fails(new byte[] {0, 0}, "shorter than the 4-byte magic");
    }

    @Test
    void truncatedHeaderAndData() throws IOException {
        byte[] valid = idx(0x08, new int[] {10, 4}, ubytes(40));
        fails(Arrays.copyOf(valid, 9), "truncated header", "declares 2 dimensions but only 1 follow");
        fails(Arrays.copyOf(valid, valid.length - 1), "truncated data", "need 40 bytes", "only 39");
        fails(Arrays.copyOf(valid, 12), "truncated data", "only 0");
    }

    @Test
    void dimsMismatchWithTrailingData() throws IOException {
        byte[] valid = idx(0x08, new int[] {3}, ubytes(3));
        fails(Arrays.copyOf(valid, valid.length + 2), "do not match the data");
    }

    @Test
    void absurdDimensionsAreRejectedWithoutAllocating() throws IOException {
        fails(idx(0x0E, new int[] {-1, -1}, new byte[0]), "more data than fits");
    }

    @Test
    void truncatedAndCorruptGzip() throws IOException {
        byte[] gz = gzip(idx(0x08, new int[] {100}, ubytes(100)));
        Path cut = write("cut.gz", Arrays.copyOf(gz, gz.length / 2));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(cut));
        assertTrue(e.getMessage().contains(cut.toString()) && e.getMessage().contains("gzip"), e.getMessage());
        byte[] corrupt = gz.clone();
        for (int i = 12; i < corrupt.length - 8; i++) corrupt[i] ^= (byte) 0x5a;
        Path bad = write("corrupt.gz", corrupt);
        IdxFormatException e2 = assertThrows(IdxFormatException.class, () -> IdxReader.read(bad));
        assertTrue(e2.getMessage().contains(bad.toString()), e2.getMessage());
    }
}
