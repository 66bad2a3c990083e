package dev.sluice.io;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses a whole gzip file (RFC 1952: one or more members back to back), checking each member's CRC-32 and
 * length, and refusing bytes after the last member that do not start another one. {@link java.util.zip.GZIPInputStream}
 * is not used because it ends the stream silently at such trailing garbage (it reads it as a malformed next member
 * header and stops), so a file with junk appended, or two files glued together, would read as valid.
 */
final class StrictGunzip {
    private static final int FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16;

    private StrictGunzip() {}

    /** The decompressed bytes of {@code gz}, the content of {@code file}; errors name the file and the byte offset. */
    static byte[] decompress(Path file, byte[] gz) throws IdxFormatException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, Math.min(gz.length, Integer.MAX_VALUE / 4) * 2));
        byte[] buf = new byte[1 << 16];
        int pos = 0;
        for (int member = 0; ; member++) {
            pos = skipHeader(file, gz, pos);
            Inflater inf = new Inflater(true);
            CRC32 crc = new CRC32();
            long size = 0;
            try {
                inf.setInput(gz, pos, gz.length - pos);
                while (!inf.finished()) {
                    int n = inf.inflate(buf);
                    if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                        throw new IdxFormatException(file, "truncated gzip data: the compressed stream of member " + member
                                + " ends with the file, at byte " + gz.length);
                    }
                    crc.update(buf, 0, n);
                    out.write(buf, 0, n);
                    size += n;
                }
                pos = gz.length - inf.getRemaining();
            } catch (DataFormatException e) {
                throw new IdxFormatException(file, "corrupt gzip data in member " + member + " (" + e.getMessage() + ")", e);
            } finally {
                inf.end();
            }
            if (gz.length - pos < 8) {
                throw new IdxFormatException(file, "truncated gzip data: the 8-byte trailer of member " + member + " at byte "
                        + pos + " is cut off (the file has " + gz.length + " bytes)");
            }
            if (le32(gz, pos) != crc.getValue() || le32(gz, pos + 4) != (size & 0xFFFFFFFFL)) {
                throw new IdxFormatException(file, "corrupt gzip data: the CRC-32 or length in the trailer of member " + member
                        + " at byte " + pos + " does not match the decompressed data");
            }
            pos += 8;
            if (pos == gz.length) return out.toByteArray();
            if (gz.length - pos < 2 || gz[pos] != (byte) 0x1f || gz[pos + 1] != (byte) 0x8b) {
                throw new IdxFormatException(file, (gz.length - pos) + " bytes of trailing data after the gzip stream, which ends at byte "
                        + pos + " of " + gz.length + " (not another gzip member)");
            }
        }
    }

    /** The offset just past the member header at pos (magic 1f 8b, method 8 = deflate, optional fields). */
    private static int skipHeader(Path file, byte[] gz, int pos) throws IdxFormatException {
        int start = pos;
        need(file, gz, pos, 10, start);
        if (gz[pos] != (byte) 0x1f || gz[pos + 1] != (byte) 0x8b || gz[pos + 2] != 8) {
            throw new IdxFormatException(file, String.format("corrupt gzip header at byte %d: %02x %02x %02x (expected 1f 8b 08)",
                    pos, gz[pos], gz[pos + 1], gz[pos + 2]));
        }
        int flags = gz[pos + 3] & 0xFF;
        pos += 10; // magic, method, flags, mtime, extra flags, OS
        if ((flags & FEXTRA) != 0) {
            need(file, gz, pos, 2, start);
            pos += 2 + ((gz[pos] & 0xFF) | (gz[pos + 1] & 0xFF) << 8);
        }
        for (int field : new int[] {FNAME, FCOMMENT}) {
            if ((flags & field) == 0) continue;
            while (pos < gz.length && gz[pos] != 0) pos++;
            pos++; // the terminating zero
        }
        if ((flags & FHCRC) != 0) pos += 2;
        need(file, gz, pos, 0, start);
        return pos;
    }

    private static void need(Path file, byte[] gz, int pos, int n, int header) throws IdxFormatException {
        if (pos + (long) n > gz.length) {
            throw new IdxFormatException(file, "truncated gzip data: the member header at byte " + header
                    + " is cut off (the file has " + gz.length + " bytes)");
        }
    }

    private static long le32(byte[] b, int i) {
        return (b[i] & 0xFFL) | (b[i + 1] & 0xFFL) << 8 | (b[i + 2] & 0xFFL) << 16 | (b[i + 3] & 0xFFL) << 24;
    }
}
