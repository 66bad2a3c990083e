package dev.sluice.methods.recontext;

/**
 * A prompt and a response as separate token-id arrays (copied on construction and on access), so that a
 * {@link PromptTransform} can rewrite the prompt without touching the response.
 *
 * @param prompt the prompt's token ids
 * @param response the response's token ids
 */
public record Episode(int[] prompt, int[] response) {
    /** Copies both arrays, so that later changes to the caller's arrays do not affect the episode. */
    public Episode {
        prompt = prompt.clone();
        response = response.clone();
    }

    /**
     * The prompt.
     *
     * @return a copy of the prompt's token ids
     */
    @Override
    public int[] prompt() { return prompt.clone(); }

    /**
     * The response.
     *
     * @return a copy of the response's token ids
     */
    @Override
    public int[] response() { return response.clone(); }
}
