package dev.sluice.methods.recontext;

import dev.sluice.nn.GPT;

/** A {@link GPT} as a policy: batched left-padded sampling with a KV cache, teacher-forced scoring in one pass. */
public final class GptPolicy extends LanguageModelPolicy<GPT> {
    /**
     * A policy backed by a language model.
     *
     * @param model the model; training the policy trains it in place
     */
    public GptPolicy(GPT model) { super(model); }

    /**
     * The wrapped model.
     *
     * @return the model given to the constructor
     */
    public GPT model() { return model; }

    @Override
    Policy around(GPT frozen) { return new GptPolicy(frozen); }
}
