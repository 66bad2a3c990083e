package dev.sluice.io;

import dev.sluice.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses and validates a safetensors file; every problem becomes a {@link SafeTensorsFormatException}. */
final class SafeTensorsReader {
    // Same cap as the reference implementation: a larger header is far more likely corruption than a real model
    private static final long MAX_HEADER_BYTES = 100_000_000L;

    private SafeTensorsReader() {}

    private record Info(String name, StoredType type, int[] shape, long begin, long end) {}

    static SafeTensorsFile read(Path file) throws IOException {
        // Memory-mapped: the file's bytes are never copied onto the heap as a whole, only converted tensor by tensor
        // into the tensors' own arrays, so a file needs no more heap than its tensors and may exceed 2 GiB
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = ch.size();
            if (size < 8) {
                throw new SafeTensorsFormatException(file, "file is " + size
                        + " bytes, shorter than the 8-byte header length prefix (empty or truncated file?)");
            }
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return read(file, seg);
        }
    }

    private static SafeTensorsFile read(Path file, MemorySegment seg) throws IOException {
        long size = seg.byteSize();
        long n = seg.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        long available = size - 8L;
        if (Long.compareUnsigned(n, available) > 0) {
            throw new SafeTensorsFormatException(file, "header length " + Long.toUnsignedString(n) + " is larger than the "
                    + available + " bytes that follow the length prefix (truncated file, or not a safetensors file?)");
        }
        if (n > MAX_HEADER_BYTES) {
            throw new SafeTensorsFormatException(file, "header length " + n + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        int headerLen = (int) n;
        byte[] headerBytes = seg.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
        String text = decodeUtf8(file, headerBytes, headerLen);
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (JsonParseException e) {
            if (e.duplicateKey() != null) {
                throw new SafeTensorsFormatException(file, "duplicate tensor name '" + e.duplicateKey() + "' in the header");
            }
            throw new SafeTensorsFormatException(file, "header is not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> header)) {
            throw new SafeTensorsFormatException(file, "header must be a JSON object, got " + Json.write(parsed));
        }

        LinkedHashMap<String, String> metadata = new LinkedHashMap<>();
        List<Info> infos = new ArrayList<>();
        for (Map.Entry<?, ?> e : header.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(SafeTensors.METADATA_KEY)) {
                readMetadata(file, e.getValue(), metadata);
            } else {
                infos.add(readInfo(file, name, e.getValue()));
            }
        }
        long bufferLen = available - headerLen;
        checkLayout(file, infos, bufferLen);

        long dataStart = 8L + headerLen;
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        LinkedHashMap<String, String> stored = new LinkedHashMap<>();
        for (Info info : infos) {
            tensors.put(info.name, TensorBytes.fromSegment(info.type, info.shape, seg, dataStart + info.begin));
            stored.put(info.name, info.type.header);
        }
        return new SafeTensorsFile(file, tensors, metadata, stored);
    }

    private static String decodeUtf8(Path file, byte[] bytes, int headerLen) throws SafeTensorsFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, headerLen))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SafeTensorsFormatException(file, "header is not valid UTF-8");
        }
    }

    private static void readMetadata(Path file, Object value, Map<String, String> out) throws SafeTensorsFormatException {
        if (!(value instanceof Map<?, ?> m)) {
            throw new SafeTensorsFormatException(file, "'__metadata__' must be an object of strings, got " + Json.write(value));
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new SafeTensorsFormatException(file, "metadata value for '" + e.getKey() + "' must be a string, got "
                        + Json.write(e.getValue()));
            }
            out.put((String) e.getKey(), s);
        }
    }

    private static Info readInfo(Path file, String name, Object value) throws SafeTensorsFormatException {
        String where = "tensor '" + name + "': ";
        if (!(value instanceof Map<?, ?> m)) {
            throw new SafeTensorsFormatException(file, where + "entry must be an object, got " + Json.write(value));
        }
        if (!(m.get("dtype") instanceof String dtypeName)) {
            throw new SafeTensorsFormatException(file, where + "missing or non-string \"dtype\"");
        }
        StoredType dtype = StoredType.fromHeader(dtypeName);
        if (dtype == null) {
            throw new SafeTensorsFormatException(file, where + "unknown dtype '" + dtypeName + "' (supported: "
                    + StoredType.supported() + ")");
        }
        long[] shapeL = longList(file, where, "shape", m.get("shape"));
        long[] offsets = longList(file, where, "data_offsets", m.get("data_offsets"));
        if (offsets.length != 2) {
            throw new SafeTensorsFormatException(file, where + "\"data_offsets\" must have 2 entries [begin, end], got " + offsets.length);
        }
        if (offsets[1] < offsets[0]) {
            throw new SafeTensorsFormatException(file, where + "data_offsets " + Arrays.toString(offsets) + " end before they begin");
        }
        int[] shape = new int[shapeL.length];
        long numel = 1;
        for (int i = 0; i < shapeL.length; i++) {
            if (shapeL[i] > Integer.MAX_VALUE) {
                throw new SafeTensorsFormatException(file, where + "dimension " + shapeL[i] + " is too large for Sluice");
            }
            shape[i] = (int) shapeL[i];
            numel *= shapeL[i];
            if (numel > Integer.MAX_VALUE) {
                throw new SafeTensorsFormatException(file, where + "shape " + Arrays.toString(shapeL) + " has too many elements for Sluice");
            }
        }
        long expected = numel * dtype.itemSize;
        if (offsets[1] - offsets[0] != expected) {
            throw new SafeTensorsFormatException(file, where + "shape " + Arrays.toString(shapeL) + " with dtype " + dtypeName
                    + " needs " + expected + " bytes, but data_offsets " + Arrays.toString(offsets) + " span "
                    + (offsets[1] - offsets[0]));
        }
        return new Info(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] longList(Path file, String where, String key, Object v) throws SafeTensorsFormatException {
        if (!(v instanceof List<?> list)) {
            throw new SafeTensorsFormatException(file, where + "missing or non-array \"" + key + "\"");
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long l) || l < 0) {
                throw new SafeTensorsFormatException(file, where + "\"" + key + "\" must hold non-negative integers, got "
                        + Json.write(list));
            }
            out[i] = l;
        }
        return out;
    }

    /** The tensors must tile the data buffer exactly, as the reference requires: no overlap, no gap, nothing past it. */
    private static void checkLayout(Path file, List<Info> infos, long bufferLen) throws SafeTensorsFormatException {
        List<Info> byOffset = new ArrayList<>(infos);
        byOffset.sort(Comparator.comparingLong(Info::begin).thenComparingLong(Info::end));
        long expectedBegin = 0;
        Info previous = null;
        for (Info info : byOffset) {
            if (info.begin < expectedBegin) {
                throw new SafeTensorsFormatException(file, "tensor '" + info.name + "' bytes [" + info.begin + ", " + info.end
                        + ") overlap tensor '" + previous.name + "' bytes [" + previous.begin + ", " + previous.end + ")");
            }
            if (info.begin > expectedBegin) {
                throw new SafeTensorsFormatException(file, "bytes [" + expectedBegin + ", " + info.begin
                        + ") of the data buffer belong to no tensor (tensor '" + info.name + "' starts at " + info.begin + ")");
            }
            if (info.end > bufferLen) {
                throw new SafeTensorsFormatException(file, "truncated data: tensor '" + info.name + "' needs bytes [" + info.begin
                        + ", " + info.end + ") of the data buffer, but only " + bufferLen + " bytes follow the header");
            }
            expectedBegin = info.end;
            previous = info;
        }
        if (expectedBegin != bufferLen) {
            throw new SafeTensorsFormatException(file, (bufferLen - expectedBegin) + " unexpected bytes after the last tensor "
                    + "(the data buffer is " + bufferLen + " bytes, the tensors cover " + expectedBegin + ")");
        }
    }
}
