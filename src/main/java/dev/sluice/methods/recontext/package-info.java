/**
 * Recontextualization (Azarbal, Gillioz et al., 2025): sample completions under a prompt that discourages a
 * misbehaviour, score them with the ordinary (misspecified) reward, and train on them as if they answered a more
 * permissive prompt.
 *
 * <p>The pieces: {@link dev.sluice.methods.recontext.PromptTransform}s act on prompt token ids only (a response is
 * never re-tokenised); a {@link dev.sluice.methods.recontext.Policy} samples responses and scores given responses
 * under any prompt ({@link dev.sluice.methods.recontext.GptPolicy} wraps a GPT with batched KV-cache sampling); a
 * {@link dev.sluice.methods.recontext.Reward} is the training signal, tracked next to a separate ground-truth metric;
 * the trainers {@link dev.sluice.methods.recontext.ExpertIteration} (best-of-N, then SFT with a response-only loss) and
 * {@link dev.sluice.methods.recontext.Grpo} (group-normalised advantages, sequence-level clipped ratio
 * π_θ(y | train prompt) / π_old(y | generation prompt), KL to a frozen reference, entropy bonus) each take a
 * generation transform and a training transform. Identity for both is standard training.
 */
package dev.sluice.methods.recontext;
