package dev.sluice.io;

import dev.sluice.tensor.Tensor;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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

    private record Entry(String name, byte[] utf8Name, Tensor tensor, StoredType type) {}

    static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, metadata, Map.of());
    }

    static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, Map<String, String> storedAs)
            throws IOException {
        // Everything that can be rejected is checked here, before AtomicFiles creates anything next to the target
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty()) throw new IllegalArgumentException("safetensors: tensor names must be non-empty");
            if (name.equals(SafeTensors.METADATA_KEY)) {
                throw new IllegalArgumentException("safetensors: '" + name + "' is reserved for metadata and cannot name a tensor");
            }
            if (e.getValue() == null) throw new IllegalArgumentException("safetensors: tensor '" + name + "' is null");
            Tensor t = e.getValue();
            StoredType type = StoredType.of(t.dtype());
            String want = storedAs == null ? null : storedAs.get(name);
            if (want != null) {
                type = StoredType.fromHeader(want);
                if (type == null || !type.canStore(t.dtype())) {
                    throw new IllegalArgumentException("safetensors: tensor '" + name + "' of dtype " + t.dtype()
                            + " cannot be stored as '" + want + "' (float32 tensors may be stored as F32, F16 or BF16;"
                            + " other dtypes only as themselves)");
                }
            }
            entries.add(new Entry(name, name.getBytes(StandardCharsets.UTF_8), t, type));
        }
        if (storedAs != null) {
            for (String k : storedAs.keySet()) {
                if (!tensors.containsKey(k)) throw new IllegalArgumentException("safetensors: a storage dtype is given for '" + k + "', which is not among the tensors");
            }
        }
        // The reference sorts by dtype (widest first) then by name bytes; matching it makes files byte-identical
        entries.sort(Comparator.comparingInt((Entry en) -> -en.type.ordinal())
                .thenComparing((a, b) -> Arrays.compareUnsigned(a.utf8Name, b.utf8Name)));

        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null) header.put(SafeTensors.METADATA_KEY, sortedMetadata(metadata));
        long offset = 0;
        for (Entry en : entries) {
            Tensor t = en.tensor;
            long bytes = (long) t.numel() * en.type.itemSize;
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", en.type.header);
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
            // One chunk of one tensor at a time: only a few MB of temporaries are alive at once
            OutputStream buffered = new BufferedOutputStream(out, 1 << 16);
            for (Entry en : entries) TensorBytes.write(en.tensor, en.type, buffered);
            buffered.flush();
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
}
