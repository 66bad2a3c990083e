package dev.sluice.cli;

import dev.sluice.models.CausalLM;
import dev.sluice.models.Gpt2Config;
import dev.sluice.models.HfModels;
import dev.sluice.models.LlamaConfig;
import dev.sluice.models.ModelConfig;
import dev.sluice.tensor.Generator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Tiny language models for the generate and finetune tests: a fresh random model whose vocabulary fits the real
 * byte-level BPE tokenizer of the test resources (2048 ids, with BOS and EOS), saved in Hugging Face's layout with the
 * tokenizer beside it.
 */
final class LmFixture {
    private LmFixture() {}

    static final Path TOKENIZER = Path.of("src/main/resources/dev/sluice/experiments/undo/corpus-bpe-2k.json");

    /** A tied Llama: vocab 2048, width 32, 2 layers, 4 heads (2 key/value heads), 128 positions. */
    static LlamaConfig llama() { return LlamaConfig.llama(2048, 32, 64, 2, 4, 2, 128, true); }

    /** A GPT-2 with dropout 0.1 everywhere (so that resuming must reproduce the masks), 64 positions. */
    static Gpt2Config gpt2WithDropout() {
        return new Gpt2Config(2048, 64, 32, 2, 4, 64, "gelu_new", 1e-5, 0.1, 0.1, 0.1, false, true, 0.02,
                Map.of("architectures", java.util.List.of("GPT2LMHeadModel")));
    }

    /** Saves a fresh model of {@code cfg} into {@code dir} with the tokenizer (or without, when tokenizer is false). */
    static Path model(Path dir, ModelConfig cfg, long seed, boolean tokenizer) throws IOException {
        CausalLM m = HfModels.create(cfg, new Generator(seed));
        HfModels.save(m, dir);
        if (tokenizer) Files.copy(TOKENIZER, dir.resolve("tokenizer.json"));
        return dir;
    }

    /** Genesis 1:1-8 (King James Version), one verse per line. */
    static final String GENESIS = """
            In the beginning God created the heaven and the earth.
            And the earth was without form, and void; and darkness was upon the face of the deep. And the Spirit of God moved upon the face of the waters.
            And God said, Let there be light: and there was light.
            And God saw the light, that it was good: and God divided the light from the darkness.
            And God called the light Day, and the darkness he called Night. And the evening and the morning were the first day.
            And God said, Let there be a firmament in the midst of the waters, and let it divide the waters from the waters.
            And God made the firmament, and divided the waters which were under the firmament from the waters which were above the firmament: and it was so.
            And God called the firmament Heaven. And the evening and the morning were the second day.
            """;
}
