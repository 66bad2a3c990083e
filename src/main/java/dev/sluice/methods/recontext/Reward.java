package dev.sluice.methods.recontext;

/**
 * Scores a response to a problem. Trainers optimise one reward (possibly misspecified, e.g. "passes the tests") and
 * track a second one as the ground truth (e.g. "is correct") without ever training on it. The prompt passed is the
 * base problem, before any {@link PromptTransform}: a reward must not depend on the instruction the policy saw.
 */
@FunctionalInterface
public interface Reward {
    /** The score of {@code response} (token ids) for {@code problem} (the untransformed prompt's token ids). */
    double score(int[] problem, int[] response);
}
