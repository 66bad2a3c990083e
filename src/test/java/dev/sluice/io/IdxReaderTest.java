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
    private IdxFormatException refused(String name, byte[] content, String... fragments) throws IOException {
        Path f = write(name, content);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        for (String frag : fragments) assertTrue(e.getMessage().contains(frag), "expected '" + frag + "' in: " + e.getMessage());
        return e;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void gzipWithTrailingGarbageIsRefused() throws IOException {
        // gzip(1) itself warns "decompression OK, trailing garbage ignored"; java.util.zip.GZIPInputStream ignores it
        // silently. A valid IDX inside says nothing about the junk after it: refuse, naming the file and the byte count.
        byte[] gz = gzip(idx(0x08, new int[] {100}, ubytes(100)));
        refused("junk.gz", concat(gz, new byte[] {1, 2, 3}), "3 bytes of trailing data", "ends at byte " + gz.length);
        refused("one.gz", concat(gz, new byte[] {0x42}), "1 bytes of trailing data");
        refused("zeros.gz", concat(gz, new byte[4096]), "4096 bytes of trailing data");
        refused("half-magic.gz", concat(gz, new byte[] {0x1f}), "1 bytes of trailing data");
        // a second member that is not valid gzip is corrupt, not silently the end
        refused("bad-member.gz", concat(gz, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0}), "truncated gzip", "byte " + gz.length);
    }

    @Test
    void gzipOfMoreBytesThanTheHeaderDeclaresIsRefused() throws IOException {
        refused("long.gz", gzip(idx(0x08, new int[] {3}, ubytes(5))), "do not match the data", "more than 3 bytes");
        refused("long.idx", idx(0x08, new int[] {3}, ubytes(5)), "do not match the data", "more than 3 bytes");
    }

    @Test
    void multiMemberGzipIsRead() throws IOException {
        // RFC 1952: a gzip file may hold several members, decompressed back to back (as `cat a.gz b.gz`)
        byte[] raw = idx(0x08, new int[] {2, 50}, ubytes(100));
        byte[] two = concat(gzip(Arrays.copyOf(raw, 30)), gzip(Arrays.copyOfRange(raw, 30, raw.length)));
        IdxArray a = IdxReader.read(write("two.gz", two));
        assertArrayEquals(new int[] {2, 50}, a.shape());
    }

    @Test
    void gzipCutInTheTrailerOrWithABadChecksumIsRefused() throws IOException {
        byte[] gz = gzip(idx(0x08, new int[] {100}, ubytes(100)));
        refused("trailer.gz", Arrays.copyOf(gz, gz.length - 3), "truncated gzip", "trailer");
        byte[] crc = gz.clone();
        crc[gz.length - 8] ^= 1;
        refused("crc.gz", crc, "corrupt gzip", "CRC-32");
        refused("header.gz", Arrays.copyOf(gz, 5), "truncated gzip", "header");
    }
}
