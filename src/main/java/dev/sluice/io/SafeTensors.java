package dev.sluice.io;

import dev.sluice.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format: an 8-byte
 * little-endian header length N, N bytes of UTF-8 JSON describing each tensor's dtype, shape and byte range, then the
 * tensors' little-endian, row-major bytes.
 *
 * <p>Files written here are byte-identical to those of the reference implementation
 * ({@code safetensors.torch.save_file}) for the same tensors and at most one metadata entry, and files from it load
 * here (as {@code safetensors.torch.load_file}). Supported dtypes are those of {@link dev.sluice.tensor.DType}: F32,
 * F64, I32, I64, BOOL, plus F16 and BF16, which are read as float32 (exactly) and can be written back from float32
 * (rounding to nearest even; {@link #write(Path, Map, Map, Map)}). Tensors are read onto the CPU from a memory-mapped
 * file, so reading needs no heap beyond the tensors themselves and files may exceed 2 GiB.
 * {@snippet :
 * Map<String, Tensor> tensors = new LinkedHashMap<>();
 * tensors.put("weight", Tensor.randn(4, 3));
 * tensors.put("step", Tensor.scalar(100, DType.INT64));
 * SafeTensors.write(Path.of("model.safetensors"), tensors, Map.of("format", "pt"));
 *
 * SafeTensorsFile file = SafeTensors.read(Path.of("model.safetensors"));
 * Tensor w = file.tensor("weight");               // float32 [4, 3]
 * String format = file.metadata().get("format");  // "pt"
 * }
 */
public final class SafeTensors {
    /** The header key that holds string metadata rather than a tensor. */
    public static final String METADATA_KEY = "__metadata__";

    private SafeTensors() {}

    /**
     * Atomically writes tensors and metadata to {@code file}: the old file, if any, is replaced only once the new one
     * is complete on disk, and survives any failure.
     *
     * <p>Tensors are stored contiguous whatever their strides (and copied from their device), ordered like the
     * reference implementation (by dtype, widest first, then by name); metadata entries are sorted by key. The header
     * is padded with spaces to a multiple of 8 bytes so the data is aligned.
     *
     * @param file the file to create or replace
     * @param tensors named tensors; names must be non-empty and not {@value #METADATA_KEY}
     * @param metadata string metadata, or null to write no {@value #METADATA_KEY} entry
     * @throws IllegalArgumentException for an invalid name or a null tensor, before the target is touched
     * @throws IOException if the file cannot be written (the previous file, if any, is left as it was)
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        SafeTensorsWriter.write(file, tensors, metadata);
    }

    /**
     * As {@link #write(Path, Map, Map)}, storing some tensors in another element type than their dtype's: a float32
     * tensor may be stored as {@code F16} or {@code BF16} (rounded to nearest even, overflow to infinity, NaN kept
     * NaN), so a half-precision checkpoint read by {@link #read(Path)} writes back byte for byte. Use
     * {@link SafeTensorsFile#storedDtype(String)} to learn a tensor's original type.
     *
     * @param file the file to create or replace
     * @param tensors named tensors; names must be non-empty and not {@value #METADATA_KEY}
     * @param metadata string metadata, or null to write no {@value #METADATA_KEY} entry
     * @param storedAs header dtype names ({@code F32}, {@code F16}, {@code BF16}, ...) by tensor name; tensors not in
     * it are stored in their own dtype
     * @throws IllegalArgumentException for an invalid name, a null tensor, an unknown type, a type that cannot hold the
     * tensor's dtype, or an entry naming no tensor, before the target is touched
     * @throws IOException if the file cannot be written (the previous file, if any, is left as it was)
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata,
            Map<String, String> storedAs) throws IOException {
        SafeTensorsWriter.write(file, tensors, metadata, storedAs);
    }

    /**
     * Writes tensors without metadata; see {@link #write(Path, Map, Map)}.
     *
     * @param file the file to create or replace
     * @param tensors named tensors; names must be non-empty and not {@value #METADATA_KEY}
     * @throws IllegalArgumentException for an invalid name or a null tensor, before the target is touched
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, null);
    }

    /**
     * Reads and validates a whole safetensors file.
     *
     * @param file the file to read
     * @return its tensors (on the CPU, in header order) and metadata
     * @throws SafeTensorsFormatException naming the file and the problem when the file is malformed
     * @throws java.nio.file.NoSuchFileException when it does not exist
     * @throws IOException if reading fails otherwise
     */
    public static SafeTensorsFile read(Path file) throws IOException {
        return SafeTensorsReader.read(file);
    }

    /**
     * The file's tensors by name, in header order; see {@link #read(Path)}.
     *
     * @param file the file to read
     * @return a new, modifiable map from name to CPU tensor
     * @throws SafeTensorsFormatException when the file is malformed
     * @throws IOException if the file does not exist or cannot be read
     */
    public static LinkedHashMap<String, Tensor> readAll(Path file) throws IOException {
        return new LinkedHashMap<>(read(file).tensors());
    }
}
