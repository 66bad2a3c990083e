package dev.sluice.methods.recontext;

/**
 * Scores a response to a problem. Trainers optimise one reward (possibly misspecified, e.g. "passes the tests") and
 * track a second one as the ground truth (e.g. "is correct") without ever training on it. The prompt passed is the
 * base problem, before any {@link PromptTransform}: a reward must not depend on the instruction the policy saw.
 */
@FunctionalInterface
public interface Reward {
    /**
     * The score of a response for a problem.
     *
     * @param problem the untransformed prompt's token ids
     * @param response the response's token ids
     * @return the score (e.g. 1 for pass, 0 for fail)
     */
    double score(int[] problem, int[] response);
}
