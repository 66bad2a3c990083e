package dev.sluice.methods.recontext;

/** A prompt and a response as separate token-id arrays (copied on construction and on access). */
public record Episode(int[] prompt, int[] response) {
    public Episode {
        prompt = prompt.clone();
        response = response.clone();
    }

    @Override
    public int[] prompt() { return prompt.clone(); }

    @Override
    public int[] response() { return response.clone(); }
}
