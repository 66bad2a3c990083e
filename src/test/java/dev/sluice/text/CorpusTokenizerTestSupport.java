package dev.sluice.text;

import java.util.List;

/** Small byte-level tokenizers for unit tests. */
final class CorpusTokenizerTestSupport {
    private CorpusTokenizerTestSupport() {}

    /** A byte-level tokenizer with only the 256 byte tokens; with the GPT-2 pre-tokenizer or the Llama 3 one. */
    static String byteLevelJson(boolean gpt2) {
        return new BpeTrainer(256)
                .preTokenizer(gpt2 ? BpeTrainer.PreTokenizer.GPT2 : BpeTrainer.PreTokenizer.LLAMA3)
                .train(List.of("x"));
    }
}
