package dev.sluice.io;

import dev.sluice.tensor.Tensor;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/** The contents of a safetensors file that has been read and validated: named tensors plus string metadata. */
public final class SafeTensorsFile {
    private final Path file;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;
    private final Map<String, String> storedDtypes;

    SafeTensorsFile(Path file, LinkedHashMap<String, Tensor> tensors, LinkedHashMap<String, String> metadata,
            LinkedHashMap<String, String> storedDtypes) {
        this.file = file;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
        this.storedDtypes = Collections.unmodifiableMap(storedDtypes);
    }

    /**
     * The element type a tensor has in the file, as the header names it: {@code F16} and {@code BF16} tensors are read
     * as float32, so {@link #tensor(String)} does not tell them apart from {@code F32} ones. Pass it back to
     * {@link SafeTensors#write(Path, Map, Map, Map)} to store the tensor as it was.
     *
     * @param name a tensor name as written in the header
     * @return {@code F32}, {@code F16}, {@code BF16}, {@code F64}, {@code I32}, {@code I64} or {@code BOOL}
     * @throws NoSuchElementException naming the file and the available names when there is none
     */
    public String storedDtype(String name) {
        tensor(name);
        return storedDtypes.get(name);
    }

    /**
     * The file this was read from.
     *
     * @return the path given to {@link SafeTensors#read(Path)}
     */
    public Path file() { return file; }

    /**
     * Tensor names in the order they are listed in the file's header.
     *
     * @return an immutable list of names
     */
    public List<String> names() { return List.copyOf(tensors.keySet()); }

    /**
     * Whether the file holds a tensor with this name.
     *
     * @param name a tensor name
     * @return true if {@link #tensor(String)} would find it
     */
    public boolean contains(String name) { return tensors.containsKey(name); }

    /**
     * The tensor with this name.
     *
     * @param name a tensor name as written in the header
     * @return the CPU tensor, with the stored dtype and shape
     * @throws NoSuchElementException naming the file and the available names when there is none
     */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new NoSuchElementException(file + ": no tensor named '" + name + "' (has: " + tensors.keySet() + ")");
        }
        return t;
    }

    /**
     * All tensors, in header order.
     *
     * @return an unmodifiable map from name to tensor
     */
    public Map<String, Tensor> tensors() { return tensors; }

    /**
     * The {@code __metadata__} entries.
     *
     * @return an unmodifiable map, empty when the file has none
     */
    public Map<String, String> metadata() { return metadata; }
}
