package dev.sluice.io;

import dev.sluice.tensor.DType;
import dev.sluice.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds the safetensors header and streams header and data through {@link AtomicFiles}. */
final class SafeTensorsWriter {
    private SafeTensorsWriter() {}

    private record Entry(String name, byte[] utf8Name, Tensor tensor) {}

    static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        // Everything that can be rejected is checked here, before AtomicFiles creates anything next to the target
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty()) throw new IllegalArgumentException("safetensors: tensor names must be non-empty");
            if (name.equals(SafeTensors.METADATA_KEY)) {
                throw new IllegalArgumentException("safetensors: '" + name + "' is reserved for metadata and cannot name a tensor");
            }
            if (e.getValue() == null) throw new IllegalArgumentException("safetensors: tensor '" + name + "' is null");
            entries.add(new Entry(name, name.getBytes(StandardCharsets.UTF_8), e.getValue()));
        }
        // The reference sorts by dtype (widest first) then by name bytes; matching it makes files byte-identical
        entries.sort(Comparator.comparingInt((Entry en) -> -dtypeRank(en.tensor.dtype()))
                .thenComparing((a, b) -> Arrays.compareUnsigned(a.utf8Name, b.utf8Name)));

        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null) header.put(SafeTensors.METADATA_KEY, sortedMetadata(metadata));
        long offset = 0;
        for (Entry en : entries) {
            Tensor t = en.tensor;
            long bytes = (long) t.numel() * t.dtype().itemSize();
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", t.dtype().safetensorsName());
            info.put("shape", t.shape());
            info.put("data_offsets", new long[] {offset, offset + bytes});
            header.put(en.name, info);
            offset += bytes;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padding = (8 - json.length % 8) % 8;
        byte[] headerBytes = Arrays.copyOf(json, json.length + padding);
        Arrays.fill(headerBytes, json.length, headerBytes.length, (byte) ' ');
        byte[] prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length).array();

        AtomicFiles.write(file, out -> {
            out.write(prefix);
            out.write(headerBytes);
            // One tensor at a time so only one extra copy is alive at once
            for (Entry en : entries) out.write(TensorBytes.toLittleEndian(en.tensor));
        });
    }

    private static Map<String, String> sortedMetadata(Map<String, String> metadata) {
        // The reference keeps metadata in a hash map (arbitrary order); sorting keeps Sluice's output deterministic
        Map<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("safetensors: metadata keys and values must be non-null, got " + e);
            }
            sorted.put(e.getKey(), e.getValue());
        }
        return sorted;
    }

    /** Position in the reference implementation's Dtype enum, whose derived ordering it sorts by. */
    private static int dtypeRank(DType d) {
        return switch (d) {
            case BOOL -> 0;
            case INT32 -> 1;
            case FLOAT32 -> 2;
            case FLOAT64 -> 3;
            case INT64 -> 4;
        };
    }
}
