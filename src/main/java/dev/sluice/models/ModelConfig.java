package dev.sluice.models;

import java.util.LinkedHashMap;

/** The configuration of a {@link CausalLM}, read from and written to a Hugging Face {@code config.json}. */
public sealed interface ModelConfig permits LlamaConfig, Gpt2Config {
    /**
     * The Hugging Face model type.
     *
     * @return {@code "gpt2"}, {@code "llama"} or {@code "qwen2"}
     */
    String modelType();

    /**
     * The vocabulary size.
     *
     * @return the number of token ids, the size of the logits' last dimension
     */
    int vocabSize();

    /**
     * The longest sequence the model is meant for ({@code n_positions} or {@code max_position_embeddings}).
     *
     * @return the number of positions
     */
    int maxPositions();

    /**
     * The number of transformer blocks.
     *
     * @return the layer count, also the number of slots a KV cache needs
     */
    int numLayers();

    /**
     * The number of parameters a model of this config has (tied heads counted once), computed from the sizes alone,
     * so that the memory a model needs can be known before its weights are read or allocated.
     *
     * @return the total element count of the model's parameters, as {@code namedParameters()} would sum it
     */
    long parameterCount();

    /**
     * The config as {@code config.json} holds it: every field Sluice reads, with the fields that do not change the math
     * (ids, architectures, versions, ...) as they were read.
     *
     * @return a new map in a stable order, ready for {@link dev.sluice.io.Json#writePretty}
     */
    LinkedHashMap<String, Object> toJson();
}
