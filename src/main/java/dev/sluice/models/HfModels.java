package dev.sluice.models;

import dev.sluice.io.AtomicFiles;
import dev.sluice.io.Json;
import dev.sluice.io.SafeTensors;
import dev.sluice.io.SafeTensorsFile;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Loads and saves Hugging Face causal language models in their own directory layout: {@code config.json} plus
 * {@code model.safetensors}, or {@code model.safetensors.index.json} plus shards
 * {@code model-00001-of-0000N.safetensors}. Supported model types: {@code gpt2} ({@link Gpt2Model}), {@code llama}
 * (Llama 2/3, SmolLM, TinyLlama) and {@code qwen2} (Qwen2/2.5) ({@link LlamaModel}). Tensors may be F32, F16 or BF16;
 * they are computed in float32 and, by default, saved back in the dtype each had, so an unchanged model saves the same
 * tensor bytes, and a model fine-tuned or unlearned in Sluice loads in transformers with
 * {@code AutoModelForCausalLM.from_pretrained(dir)}.
 *
 * <p>Config fields that would change the math but are not implemented (a yarn rope scaling, sliding-window attention
 * in use, another activation, ...) are refused with an error naming the field and its value; fields that do not change
 * the math (token ids, architectures, versions, dtype) are kept and written back.
 *
 * <p>Saving a directory: into a new directory, everything is written to a temporary sibling directory which is then
 * renamed, so the directory appears complete or not at all. Into an existing directory (which may hold a tokenizer and
 * other files, left alone), each file is replaced atomically, weights first and {@code config.json} last, and weight
 * files of the previous save that the new one does not use are deleted at the end; a crash part way can leave new
 * weights beside the old config, never a half-written file.
 * {@snippet :
 * CausalLM model = HfModels.load(Path.of("SmolLM-135M"));          // config.json + model.safetensors
 * int[] ids = model.generate(new int[] {1, 504, 3458}, 20, 0.0, 0, null);   // greedy, with a KV cache
 *
 * Tensor tokens = Tensor.of(new long[] {1, 504, 3458, 282}, 1, 4);
 * Tensor logits = model.forward(tokens);                              // [1, 4, vocab]
 * Tensor loss = F.crossEntropy(logits.narrow(1, 0, 3), tokens.narrow(1, 1, 3));
 * loss.backward();                                                    // gradients for fine-tuning
 *
 * HfModels.save(model, Path.of("SmolLM-135M-tuned"));               // same layout, names and dtype
 * }
 */
public final class HfModels {
    /**
     * A new empty directory beside {@code abs}, named {@code .<name>.<random>.tmp}. Not Files.createTempDirectory: that
     * creates it with mode 0700, and the rename would hand that private mode to the saved model; this one gets the
     * umask's mode, as {@code mkdir} would.
     */
    private static Path newSiblingDirectory(Path abs) throws IOException {
        Path parent = abs.getParent() == null ? Path.of(".").toAbsolutePath() : abs.getParent();
        Files.createDirectories(parent);
        java.util.SplittableRandom random = new java.util.SplittableRandom(System.nanoTime() ^ abs.hashCode());
        for (int attempt = 0; ; attempt++) {
            Path candidate = parent.resolve("." + abs.getFileName() + "." + Long.toUnsignedString(random.nextLong(), 36) + ".tmp");
            try {
                return Files.createDirectory(candidate);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 100) throw e;
            }
        }
    }

    /** Hugging Face's default shard size limit, 5 GB (decimal, as transformers' "5GB"). */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

    private static final String CONFIG = "config.json", SINGLE = "model.safetensors", INDEX = "model.safetensors.index.json";

    private HfModels() {}

    /**
     * Options for {@link #save(CausalLM, Path, SaveOptions)}.
     *
     * @param dtype the safetensors dtype for every parameter ({@code "F32"}, {@code "F16"} or {@code "BF16"}), or null
     * to store each parameter in the dtype it was loaded with ({@link CausalLM#loadedDtypes()}; F32 for new ones)
     * @param maxShardBytes the largest shard, in bytes of tensor data: a model above it is split into shards with an
     * index file, as transformers' {@code max_shard_size}
     */
    public record SaveOptions(String dtype, long maxShardBytes) {
        /**
         * Checks the options.
         *
         * @throws IllegalArgumentException if dtype is not null, F32, F16 or BF16, or maxShardBytes is not positive
         */
        public SaveOptions {
            if (dtype != null && !Set.of("F32", "F16", "BF16").contains(dtype)) {
                throw new IllegalArgumentException("SaveOptions: dtype must be F32, F16, BF16 or null, got " + dtype);
            }
            if (maxShardBytes <= 0) throw new IllegalArgumentException("SaveOptions: maxShardBytes must be positive, got " + maxShardBytes);
        }

        /**
         * The defaults: each parameter in its loaded dtype, shards of at most 5 GB.
         *
         * @return the options
         */
        public static SaveOptions defaults() { return new SaveOptions(null, DEFAULT_MAX_SHARD_BYTES); }
    }

    /**
     * Reads a config.json object into the config of its model type.
     *
     * @param json the parsed {@code config.json}
     * @return a {@link LlamaConfig} or {@link Gpt2Config}
     * @throws IllegalArgumentException for an unsupported model type or config field (named with its value)
     */
    public static ModelConfig config(Map<String, Object> json) {
        Object type = json.get("model_type");
        if (!(type instanceof String t)) throw new IllegalArgumentException("config: field 'model_type' is missing or not a string");
        return switch (t) {
            case "gpt2" -> Gpt2Config.fromJson(json);
            case "llama", "qwen2" -> LlamaConfig.fromJson(json);
            default -> throw new IllegalArgumentException("config: field 'model_type' = \"" + t
                    + "\" is not supported (supported: gpt2, llama, qwen2)");
        };
    }

    /**
     * A freshly initialised model for a config.
     *
     * @param config the configuration
     * @param gen the source of the initial weights and of dropout masks
     * @return a {@link LlamaModel} or {@link Gpt2Model}
     */
    public static CausalLM create(ModelConfig config, Generator gen) {
        return switch (config) {
            case LlamaConfig c -> new LlamaModel(c, gen);
            case Gpt2Config c -> new Gpt2Model(c, gen);
        };
    }

    /**
     * Reads a model directory's {@code config.json} without touching the weights: enough to know the model's size
     * ({@link ModelConfig#parameterCount()}) before loading it.
     *
     * @param dir the model directory
     * @return its config
     * @throws NoSuchFileException if the directory or its config.json is missing
     * @throws IllegalArgumentException for a config.json that is not an object or an unsupported config (the message
     * starts with the file's path)
     * @throws IOException if reading fails otherwise
     */
    public static ModelConfig readConfig(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new NoSuchFileException(dir.toString(), null, "not a model directory");
        Path configFile = dir.resolve(CONFIG);
        if (!Files.exists(configFile)) throw new NoSuchFileException(configFile.toString(), null, "a model directory needs config.json");
        Object parsed = Json.parse(Files.readString(configFile));
        if (!(parsed instanceof Map<?, ?>)) throw new IllegalArgumentException(configFile + ": must hold a JSON object");
        @SuppressWarnings("unchecked") Map<String, Object> json = (Map<String, Object>) parsed;
        try {
            return config(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(configFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads a model directory: {@code config.json} and {@code model.safetensors} or
     * {@code model.safetensors.index.json} with its shards. Files are memory-mapped and each tensor converted to
     * float32 straight into the parameter's memory, so loading needs about the model's float32 size in heap. Dropout
     * masks (training mode only) come from {@code new Generator(0)}.
     *
     * @param dir the model directory
     * @return the model, in training mode like any new Module (call {@code eval()} for inference; dropout rates are
     * the config's), its parameters requiring grad
     * @throws NoSuchFileException if the directory, config.json or the weights are missing (naming the file looked for)
     * @throws IllegalArgumentException for an unsupported config, or when the weights do not fit it: every missing
     * parameter, unexpected parameter and shape mismatch is listed (with both shapes)
     * @throws dev.sluice.io.SafeTensorsFormatException for a damaged weights file
     * @throws IOException if reading fails otherwise
     */
    public static CausalLM load(Path dir) throws IOException { return load(dir, new Generator(0)); }

    /**
     * As {@link #load(Path)}, with dropout masks (training mode only) drawn from {@code dropout}: a trainer that
     * reseeds it at every step makes a resumed run draw the masks an uninterrupted one would.
     *
     * @param dir the model directory
     * @param dropout the source of every dropout layer's masks
     * @return the model, in training mode, its parameters requiring grad
     * @throws NoSuchFileException if the directory, config.json or the weights are missing
     * @throws IllegalArgumentException for an unsupported config or weights that do not fit it
     * @throws IOException if reading fails otherwise
     */
    public static CausalLM load(Path dir, Generator dropout) throws IOException {
        java.util.Objects.requireNonNull(dropout, "load: dropout generator");
        ModelConfig cfg = readConfig(dir);
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        LinkedHashMap<String, String> dtypes = new LinkedHashMap<>();
        readWeights(dir, tensors, dtypes);
        Weights.Loaded w = new Weights.Loaded(dir.toString(), normaliseNames(cfg, tensors, dtypes));
        CausalLM model = switch (cfg) {
            case LlamaConfig c -> new LlamaModel(c, w, dropout);
            case Gpt2Config c -> new Gpt2Model(c, w, dropout);
        };
        w.check();
        LinkedHashMap<String, String> own = new LinkedHashMap<>();
        for (String name : model.namedParameters().keySet()) own.put(name, dtypes.getOrDefault(name, "F32"));
        model.setLoadedDtypes(own);
        return model;
    }

    private static void readWeights(Path dir, Map<String, Tensor> tensors, Map<String, String> dtypes) throws IOException {
        Path index = dir.resolve(INDEX), single = dir.resolve(SINGLE);
        if (Files.exists(index)) {
            Object parsed = Json.parse(Files.readString(index));
            if (!(parsed instanceof Map<?, ?> m) || !(m.get("weight_map") instanceof Map<?, ?> weightMap)) {
                throw new IllegalArgumentException(index + ": must be an object with a \"weight_map\" object");
            }
            Map<String, List<String>> byFile = new TreeMap<>();
            for (var e : weightMap.entrySet()) {
                if (!(e.getValue() instanceof String f) || f.contains("/") || f.contains("\\")) {
                    throw new IllegalArgumentException(index + ": weight_map entry '" + e.getKey() + "' must name a file in the directory");
                }
                byFile.computeIfAbsent(f, k -> new ArrayList<>()).add((String) e.getKey());
            }
            for (var e : byFile.entrySet()) {
                Path shard = dir.resolve(e.getKey());
                if (!Files.exists(shard)) throw new NoSuchFileException(shard.toString(), null, "a shard named in " + INDEX);
                SafeTensorsFile f = SafeTensors.read(shard);
                Set<String> listed = new LinkedHashSet<>(e.getValue());
                for (String name : f.names()) {
                    if (!listed.contains(name)) throw new IllegalArgumentException(shard + ": tensor '" + name + "' is not listed for this file in " + INDEX);
                    add(tensors, dtypes, name, f);
                }
                for (String name : listed) {
                    if (!f.contains(name)) throw new IllegalArgumentException(index + ": lists '" + name + "' in " + e.getKey() + ", which does not hold it");
                }
            }
        } else if (Files.exists(single)) {
            SafeTensorsFile f = SafeTensors.read(single);
            for (String name : f.names()) add(tensors, dtypes, name, f);
        } else {
            String hint = Files.exists(dir.resolve("pytorch_model.bin")) ? " (pytorch_model.bin is not supported: convert it to safetensors)" : "";
            throw new NoSuchFileException(single.toString(), null, "no " + SINGLE + " or " + INDEX + " in the directory" + hint);
        }
    }

    private static void add(Map<String, Tensor> tensors, Map<String, String> dtypes, String name, SafeTensorsFile f) {
        if (tensors.put(name, f.tensor(name)) != null) throw new IllegalArgumentException(f.file() + ": tensor '" + name + "' appears in two files");
        dtypes.put(name, f.storedDtype(name));
    }

    /**
     * Maps the names of older or base-model checkpoints onto the {@code *ForCausalLM} names: GPT-2 files written by
     * {@code GPT2Model} lack the {@code transformer.} prefix and may hold the causal-mask buffers
     * {@code attn.bias}/{@code attn.masked_bias} (dropped, as transformers drops them); a tied head saved anyway must
     * equal the embedding (then dropped).
     */
    private static Map<String, Tensor> normaliseNames(ModelConfig cfg, LinkedHashMap<String, Tensor> tensors, Map<String, String> dtypes) {
        if (cfg instanceof Gpt2Config) {
            boolean bare = tensors.containsKey("wte.weight") && !tensors.containsKey("transformer.wte.weight");
            LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
            for (var e : tensors.entrySet()) {
                String n = e.getKey();
                if (n.matches("(transformer\\.)?h\\.\\d+\\.attn\\.(bias|masked_bias)")) continue;
                String name = bare && !n.startsWith("lm_head.") ? "transformer." + n : n;
                out.put(name, e.getValue());
                dtypes.put(name, dtypes.get(n));
            }
            tensors = out;
        }
        boolean tied = cfg instanceof Gpt2Config g ? g.tieWordEmbeddings() : ((LlamaConfig) cfg).tieWordEmbeddings();
        String emb = cfg instanceof Gpt2Config ? "transformer.wte.weight" : "model.embed_tokens.weight";
        Tensor head = tensors.get("lm_head.weight");
        if (tied && head != null && tensors.get(emb) != null) {
            if (!java.util.Arrays.equals(head.shape(), tensors.get(emb).shape())
                    || !java.util.Arrays.equals(head.toFloatArray(), tensors.get(emb).toFloatArray())) {
                throw new IllegalArgumentException("the config ties the embeddings (tie_word_embeddings), but the checkpoint's"
                        + " 'lm_head.weight' differs from '" + emb + "'");
            }
            tensors.remove("lm_head.weight");
        }
        return tensors;
    }

    /**
     * Saves a model with the default options ({@link SaveOptions#defaults()}): config.json and model.safetensors (or
     * shards above 5 GB), each parameter in the dtype it was loaded with.
     *
     * @param model the model
     * @param dir the directory to create or update
     * @throws IOException if writing fails (see the class comment for what is left behind)
     * @throws IllegalStateException if a layer's MLP width differs from the config's (after {@link CausalLM#expandMlp})
     */
    public static void save(CausalLM model, Path dir) throws IOException { save(model, dir, SaveOptions.defaults()); }

    /**
     * Saves a model in Hugging Face's layout and names: {@code config.json} (with {@code torch_dtype} set to the saved
     * dtype) and {@code model.safetensors} with metadata {@code format=pt}, or, when the tensors exceed
     * {@code maxShardBytes}, shards {@code model-0000i-of-0000N.safetensors} (filled in parameter order, a new shard
     * started when the next tensor would pass the limit) and {@code model.safetensors.index.json}. Tied heads are not
     * written, as transformers does not write them.
     *
     * @param model the model
     * @param dir the directory to create or update
     * @param options the dtype and shard size
     * @throws IOException if writing fails (see the class comment for what is left behind)
     * @throws IllegalStateException if a layer's MLP width differs from the config's (after {@link CausalLM#expandMlp})
     */
    public static void save(CausalLM model, Path dir, SaveOptions options) throws IOException {
        int configured = switch (model.config()) {
            case LlamaConfig c -> c.intermediateSize();
            case Gpt2Config c -> c.nInner();
        };
        for (int l = 0; l < model.config().numLayers(); l++) {
            if (model.mlpWidth(l) != configured) {
                throw new IllegalStateException("HfModels.save: layer " + l + "'s MLP has " + model.mlpWidth(l)
                        + " hidden units but the config says " + configured + "; narrow it back (CausalLM.narrowMlp) before saving");
            }
        }
        LinkedHashMap<String, Tensor> params = model.namedParameters();
        LinkedHashMap<String, String> storedAs = new LinkedHashMap<>();
        for (String name : params.keySet()) {
            storedAs.put(name, options.dtype() != null ? options.dtype() : model.loadedDtypes().getOrDefault(name, "F32"));
        }
        // shards, in parameter order
        List<LinkedHashMap<String, Tensor>> shards = new ArrayList<>();
        LinkedHashMap<String, Tensor> current = new LinkedHashMap<>();
        long currentBytes = 0, total = 0;
        for (var e : params.entrySet()) {
            long bytes = (long) e.getValue().numel() * (storedAs.get(e.getKey()).equals("F32") ? 4 : 2);
            if (!current.isEmpty() && currentBytes + bytes > options.maxShardBytes()) {
                shards.add(current);
                current = new LinkedHashMap<>();
                currentBytes = 0;
            }
            current.put(e.getKey(), e.getValue());
            currentBytes += bytes;
            total += bytes;
        }
        shards.add(current);

        LinkedHashMap<String, Object> config = model.config().toJson();
        String torchDtype = dominantTorchDtype(storedAs);
        if (config.containsKey("dtype")) config.put("dtype", torchDtype);
        else config.put("torch_dtype", torchDtype);

        Map<String, String> meta = Map.of("format", "pt");
        LinkedHashMap<String, String> files = new LinkedHashMap<>();   // file name -> content kind, in write order
        Path abs = dir.toAbsolutePath();
        boolean fresh = !Files.exists(abs);
        Path target = fresh ? newSiblingDirectory(abs) : abs;
        if (!fresh && !Files.isDirectory(abs)) throw new IOException(abs + " exists and is not a directory");
        boolean done = false;
        try {
            if (shards.size() == 1) {
                SafeTensors.write(target.resolve(SINGLE), shards.get(0), meta, storedAs);
                files.put(SINGLE, "weights");
            } else {
                LinkedHashMap<String, Object> weightMap = new LinkedHashMap<>();
                int n = shards.size();
                for (int i = 0; i < n; i++) {
                    String name = String.format("model-%05d-of-%05d.safetensors", i + 1, n);
                    SafeTensors.write(target.resolve(name), shards.get(i), meta, subset(storedAs, shards.get(i).keySet()));
                    for (String k : shards.get(i).keySet()) weightMap.put(k, name);
                    files.put(name, "weights");
                }
                LinkedHashMap<String, Object> index = new LinkedHashMap<>();
                index.put("metadata", Map.of("total_size", total));
                index.put("weight_map", new TreeMap<>(weightMap));
                AtomicFiles.writeString(target.resolve(INDEX), Json.writePretty(index) + "\n");
                files.put(INDEX, "index");
            }
            AtomicFiles.writeString(target.resolve(CONFIG), Json.writePretty(config) + "\n");
            if (fresh) {
                try {
                    Files.move(target, abs, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(target, abs);
                }
            } else {
                removeStaleWeights(abs, files.keySet());
            }
            done = true;
        } finally {
            if (fresh && !done) deleteTree(target);
        }
    }

    private static Map<String, String> subset(Map<String, String> all, Set<String> keys) {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        for (String k : keys) out.put(k, all.get(k));
        return out;
    }

    private static String dominantTorchDtype(Map<String, String> storedAs) {
        Map<String, Integer> count = new TreeMap<>();
        for (String d : storedAs.values()) count.merge(d, 1, Integer::sum);
        String best = count.isEmpty() ? "F32" : count.entrySet().stream().max(Map.Entry.comparingByValue()).get().getKey();
        return switch (best) {
            case "F16" -> "float16";
            case "BF16" -> "bfloat16";
            default -> "float32";
        };
    }

    /** Deletes weight files of an earlier save that the new one does not use. */
    private static void removeStaleWeights(Path dir, Set<String> written) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                boolean weights = n.equals(SINGLE) || n.equals(INDEX) || n.matches("model-\\d{5}-of-\\d{5}\\.safetensors");
                if (weights && !written.contains(n)) Files.deleteIfExists(p);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
