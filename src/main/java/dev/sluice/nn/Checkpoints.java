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
 * Loading reads and validates the whole file first, then checks every name, shape and dtype against the model, and only
 * then copies: a truncated, corrupt or mismatched file raises an exception and leaves the model untouched.
 * {@snippet :
 * MLP model = new MLP(new int[] {784, 256, 10}, Activation.RELU, new Generator(0));
 * Checkpoints.save(model, Path.of("model.safetensors"), Map.of("step", "1000"));
 *
 * MLP fresh = new MLP(new int[] {784, 256, 10}, Activation.RELU, new Generator(1));
 * Map<String, String> meta = Checkpoints.load(fresh, Path.of("model.safetensors"));
 * meta.get("step");                                // "1000"
 * }
 */
public final class Checkpoints {
    private Checkpoints() {}

    /**
     * Writes {@code model.stateDict()} to {@code file} with metadata {@code format=pt} (as PyTorch writes it) and
     * {@code sluice.module} (the model's class).
     *
     * @param model the model to save
     * @param file the file to create or replace
     * @throws IOException if the file cannot be written (a previous file stays intact)
     */
    public static void save(Module model, Path file) throws IOException {
        save(model, file, Map.of());
    }

    /**
     * As {@link #save(Module, Path)}, adding string metadata (e.g. the training step) to the file's header.
     *
     * @param model the model to save
     * @param file the file to create or replace
     * @param metadata entries to store; {@code format} and {@code sluice.module} are added unless given
     * @throws IOException if the file cannot be written (a previous file stays intact)
     */
    public static void save(Module model, Path file, Map<String, String> metadata) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.putIfAbsent("format", "pt");
        meta.putIfAbsent("sluice.module", model.getClass().getName());
        SafeTensors.write(file, model.stateDict(), meta);
    }

    /**
     * Loads {@code file} into {@code model}, like {@code model.load_state_dict(load_file(path))}. In case of error the
     * model is unchanged.
     *
     * @param model a model of the same architecture as the saved one
     * @param file the checkpoint
     * @return the file's metadata
     * @throws dev.sluice.io.SafeTensorsFormatException for a damaged file
     * @throws IllegalArgumentException listing every missing, unexpected or mismatched tensor when the file does not
     * fit the model
     * @throws IOException if the file does not exist or cannot be read
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
