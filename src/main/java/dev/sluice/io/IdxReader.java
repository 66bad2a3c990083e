package dev.sluice.io;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST: magic {@code 00 00 type ndim}, {@code ndim} big-endian
 * unsigned 32-bit dimensions, then the elements big-endian in row-major order. Gzip-compressed files are detected by
 * their content (the {@code 1f 8b} magic), not by the file name.
 */
public final class IdxReader {
    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;

    private IdxReader() {}

    /**
     * Reads a whole IDX file, raw or gzip-compressed.
     *
     * @param file the file; gzip is recognised by its magic bytes, not by the name
     * @return the array: its element type, dims and values
     * @throws IdxFormatException for a bad magic number, unknown type, truncated data, bytes beyond what the dims
     *                            declare, or corrupt gzip data or trailing bytes after it, naming the file
     * @throws java.nio.file.NoSuchFileException when the file does not exist
     */
    public static IdxArray read(Path file) throws IOException {
        try (InputStream in = open(file)) {
            return read(file, in);
        }
    }

    /** The file's bytes as a stream: raw, or decompressed whole by {@link StrictGunzip} (which checks the end too). */
    private static InputStream open(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 != GZIP_MAGIC_0 || b1 != GZIP_MAGIC_1) return in;
            try (in) {
                return new ByteArrayInputStream(StrictGunzip.decompress(file, in.readAllBytes()));
            }
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static IdxArray read(Path file, InputStream in) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) {
            throw new IdxFormatException(file, "file has " + magic.length + " bytes, shorter than the 4-byte magic number");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new IdxFormatException(file, String.format("bad magic number %02x %02x %02x %02x: IDX files start with 00 00",
                    magic[0], magic[1], magic[2], magic[3]));
        }
        IdxType type = IdxType.fromCode(magic[2] & 0xFF);
        if (type == null) {
            throw new IdxFormatException(file, String.format("unknown element type 0x%02x in the magic number "
                    + "(known: 08, 09, 0b, 0c, 0d, 0e)", magic[2] & 0xFF));
        }
        int ndim = magic[3] & 0xFF;
        byte[] dimBytes = in.readNBytes(4 * ndim);
        if (dimBytes.length < 4 * ndim) {
            throw new IdxFormatException(file, "truncated header: magic declares " + ndim + " dimensions but only "
                    + dimBytes.length / 4 + " follow");
        }
        ByteBuffer dims = ByteBuffer.wrap(dimBytes);
        int[] shape = new int[ndim];
        long bytes = type.itemSize();
        for (int i = 0; i < ndim; i++) {
            long d = Integer.toUnsignedLong(dims.getInt());
            bytes *= d;
            // Java arrays cap the size; a real dataset never comes close, so this is corruption
            if (d > Integer.MAX_VALUE || bytes > Integer.MAX_VALUE - 16) {
                throw new IdxFormatException(file, "dimensions " + describe(dimBytes) + " describe more data than fits in one array");
            }
            shape[i] = (int) d;
        }
        byte[] data = in.readNBytes((int) bytes);
        if (data.length < bytes) {
            throw new IdxFormatException(file, "truncated data: dimensions " + Arrays.toString(shape) + " of " + type
                    + " need " + bytes + " bytes, but only " + data.length + " follow the header");
        }
        if (in.read() != -1) {
            throw new IdxFormatException(file, "dimensions " + Arrays.toString(shape) + " do not match the data: more than "
                    + bytes + " bytes follow the header");
        }
        return new IdxArray(type, shape, data);
    }

    private static String describe(byte[] dimBytes) {
        ByteBuffer b = ByteBuffer.wrap(dimBytes);
        long[] d = new long[dimBytes.length / 4];
        for (int i = 0; i < d.length; i++) d[i] = Integer.toUnsignedLong(b.getInt());
        return Arrays.toString(d);
    }
}
