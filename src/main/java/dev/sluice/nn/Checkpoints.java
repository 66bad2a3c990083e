package dev.sluice.nn;

import dev.sluice.io.SafeTensors;
import dev.sluice.io.SafeTensorsFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Saves and loads a {@link Module}'s state dict as a safetensors file, the format PyTorch's
 * {@code safetensors.torch.save_file}/{@code load_file} use, so weights move both ways between Sluice and PyTorch.
 *
 * <p>Saving is atomic (temp file, fsync, rename): a crash leaves the previous checkpoint, never half of a new one.
 * Loading reads and validates the whole file first, then checks every name, shape and dtype against the model, and
 * only then copies: a truncated, corrupt or mismatched file raises an exception and leaves the model untouched.
 * <pre>{@code
 * Checkpoints.save(model, Path.of("model.safetensors"));
 * Checkpoints.load(model, Path.of("model.safetensors"));   // same architecture, e.g. a fresh new MLP(...)
 * }</pre>
 */
public final class Checkpoints {
    private Checkpoints() {}

    /** Writes {@code model.stateDict()} to {@code file} with metadata {@code format=pt} (as PyTorch writes it). */
    public static void save(Module model, Path file) throws IOException {
        save(model, file, Map.of());
    }

    /** As {@link #save(Module, Path)}, adding string metadata (e.g. the training step) to the file's header. */
    public static void save(Module model, Path file, Map<String, String> metadata) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.putIfAbsent("format", "pt");
        meta.putIfAbsent("sluice.module", model.getClass().getName());
        SafeTensors.write(file, model.stateDict(), meta);
    }

    /**
     * Loads {@code file} into {@code model}. Throws {@link dev.sluice.io.SafeTensorsFormatException} for a damaged file
     * and {@link IllegalArgumentException} (listing every missing, unexpected or mismatched tensor) when the file does
     * not fit the model; in both cases the model is unchanged. Returns the file's metadata.
     */
    public static Map<String, String> load(Module model, Path file) throws IOException {
        SafeTensorsFile contents = SafeTensors.read(file);
        try {
            model.loadStateDict(contents.tensors());
        } catch (IllegalArgumentException mismatch) {
            throw new IllegalArgumentException("Checkpoints.load: " + file + " does not fit "
                    + model.getClass().getSimpleName() + ": " + mismatch.getMessage(), mismatch);
        }
        return contents.metadata();
    }
}
