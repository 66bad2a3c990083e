package dev.sluice.experiments.routing;

import java.util.Random;
import java.util.SplittableRandom;

/**
 * Two synthetic "story" distributions over one vocabulary, for Expand-Route-Ablate: a retain topic and a forget topic
 * that share their function words and grammar but use disjoint topic words, chosen by different rules.
 *
 * <p>Layout: token 0 is BOS; tokens [1, 1+F) are function words; the next R are retain-topic words; the last K are
 * forget-topic words. A story alternates function word, topic word, function word, ... after BOS. Function words
 * follow one shared sparse Markov chain. The topic word after function word f, when the previous topic word was p,
 * is {@code rule[f][p mod 4]} of the story's topic with probability {@code ruleProbability}, else a uniformly drawn
 * word of that topic. Since the rule reads two earlier tokens, predicting a topic word needs attention to gather them
 * and a nonlinearity (the MLP) to combine them — which is where gradient routing localises the forget topic.
 * With probability {@code leak} a topic position uses the other topic's vocabulary (the forget words are rare, not
 * absent, in retain stories, like the paper's TinyStories forget words).
 */
public final class SyntheticStories {
    public static final int BOS = 0;
    private final int functionWords, retainWords, forgetWords, length;
    private final double ruleProbability, leak;
    private final int[][] functionNext;      // [F][3] likely successors of each function word
    private final int[][][] rules;            // [topic][F][4] topic-word rule (index within the topic's vocabulary)

    /** A generator of stories with {@code length} tokens after BOS, its tables drawn from {@code seed}. */
    public SyntheticStories(int functionWords, int retainWords, int forgetWords, int length, double ruleProbability,
                            double leak, long seed) {
        if (functionWords < 4 || retainWords < 4 || forgetWords < 4 || length < 2) {
            throw new IllegalArgumentException("SyntheticStories: need >= 4 words of each kind and length >= 2");
        }
        this.functionWords = functionWords;
        this.retainWords = retainWords;
        this.forgetWords = forgetWords;
        this.length = length;
        this.ruleProbability = ruleProbability;
        this.leak = leak;
        Random r = new Random(seed);
        functionNext = new int[functionWords][3];
        for (int[] row : functionNext) for (int j = 0; j < 3; j++) row[j] = r.nextInt(functionWords);
        rules = new int[2][functionWords][4];
        for (int topic = 0; topic < 2; topic++) {
            int words = topic == 0 ? retainWords : forgetWords;
            for (int[] row : rules[topic]) for (int j = 0; j < 4; j++) row[j] = r.nextInt(words);
        }
    }

    /** The default sizes: 20 function words, 20 retain words, 20 forget words (vocab 61), 64 tokens per story. */
    public static SyntheticStories standard(long seed) { return new SyntheticStories(20, 20, 20, 64, 0.85, 0.02, seed); }

    /** Vocabulary size (BOS + function + retain + forget words). */
    public int vocabSize() { return 1 + functionWords + retainWords + forgetWords; }

    /** Tokens per story including BOS. */
    public int storyLength() { return length + 1; }

    /** True for a forget-topic word. */
    public boolean isForgetWord(int token) { return token >= 1 + functionWords + retainWords; }

    /** One story of the given topic ({@code forget} true = forget topic), from rng. */
    public int[] story(boolean forget, SplittableRandom rng) {
        int[] s = new int[length + 1];
        s[0] = BOS;
        int f = rng.nextInt(functionWords), prevTopic = 0;
        for (int i = 1; i <= length; i++) {
            if (i % 2 == 1) {
                f = i == 1 ? f : functionNext[f][pick3(rng)];
                s[i] = 1 + f;
            } else {
                boolean useForget = forget != (rng.nextDouble() < leak);
                int topic = useForget ? 1 : 0;
                int words = useForget ? forgetWords : retainWords;
                int w = rng.nextDouble() < ruleProbability ? rules[topic][f][prevTopic & 3] % words : rng.nextInt(words);
                prevTopic = w;
                s[i] = 1 + functionWords + (useForget ? retainWords : 0) + w;
            }
        }
        return s;
    }

    /** n stories of one topic. */
    public int[][] stories(boolean forget, int n, SplittableRandom rng) {
        int[][] out = new int[n][];
        for (int i = 0; i < n; i++) out[i] = story(forget, rng);
        return out;
    }

    // the three successors of a function word are likely 0.6 / 0.3 / 0.1
    private static int pick3(SplittableRandom rng) {
        double u = rng.nextDouble();
        return u < 0.6 ? 0 : u < 0.9 ? 1 : 2;
    }
}
