package dev.sluice.methods.recontext;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A named rewrite of a prompt's token ids — e.g. swap the instruction span "do not hack" for "hacking is fine". It
 * sees only the prompt: responses are kept as token ids and never pass through a transform, so a response scored
 * under the training prompt is exactly the one sampled under the generation prompt (gotcha 5 of the note: the
 * original code re-tokenised decoded text). The prompt may change length.
 */
public final class PromptTransform {
    private final String name;
    private final UnaryOperator<int[]> fn;

    private PromptTransform(String name, UnaryOperator<int[]> fn) {
        this.name = Objects.requireNonNull(name);
        this.fn = Objects.requireNonNull(fn);
    }

    /**
     * A transform from a function (which must not modify its argument).
     *
     * @param name the name shown in reports
     * @param fn maps a prompt's token ids to a new array
     * @return the transform
     * @throws NullPointerException if name or fn is null
     */
    public static PromptTransform of(String name, UnaryOperator<int[]> fn) { return new PromptTransform(name, fn); }

    /**
     * Leaves the prompt as it is (standard training uses it for both sides).
     *
     * @return a transform that returns a copy of the prompt
     */
    public static PromptTransform identity() { return new PromptTransform("identity", int[]::clone); }

    /**
     * Replaces the first occurrence of {@code from} by {@code to} (as the authors' string substitution, but on tokens).
     * A prompt without {@code from} is an error when the transform is applied: a silent no-op would quietly turn
     * recontextualization into standard training.
     *
     * @param name the name shown in reports
     * @param from the span to find, non-empty
     * @param to the replacement, of any length
     * @return the transform
     * @throws IllegalArgumentException if {@code from} is empty
     */
    public static PromptTransform replace(String name, int[] from, int[] to) {
        if (from.length == 0) throw new IllegalArgumentException("PromptTransform.replace(" + name + "): the span to replace is empty");
        int[] f = from.clone(), t = to.clone();
        return new PromptTransform(name, p -> {
            int at = indexOf(p, f);
            if (at < 0) {
                throw new IllegalArgumentException("PromptTransform " + name + ": span " + Arrays.toString(f)
                        + " not found in prompt " + Arrays.toString(p));
            }
            int[] out = new int[p.length - f.length + t.length];
            System.arraycopy(p, 0, out, 0, at);
            System.arraycopy(t, 0, out, at, t.length);
            System.arraycopy(p, at + f.length, out, at + t.length, p.length - at - f.length);
            return out;
        });
    }

    /**
     * Inserts {@code span} before position {@code at} (0 = prepend; the prompt's length = append).
     *
     * @param name the name shown in reports
     * @param at the insert position; applying to a prompt shorter than {@code at} is an error
     * @param span the tokens to insert
     * @return the transform
     */
    public static PromptTransform insert(String name, int at, int[] span) {
        int[] s = span.clone();
        return new PromptTransform(name, p -> {
            if (at < 0 || at > p.length) {
                throw new IllegalArgumentException("PromptTransform " + name + ": insert position " + at + " outside [0, " + p.length + "]");
            }
            int[] out = new int[p.length + s.length];
            System.arraycopy(p, 0, out, 0, at);
            System.arraycopy(s, 0, out, at, s.length);
            System.arraycopy(p, at, out, at + s.length, p.length - at);
            return out;
        });
    }

    /**
     * The transformed prompt (a new array; the argument is unchanged).
     *
     * @param prompt a prompt's token ids
     * @return the rewritten prompt
     * @throws IllegalArgumentException if the transform does not apply (e.g. the span to replace is missing)
     */
    public int[] apply(int[] prompt) { return fn.apply(prompt); }

    /**
     * Each prompt transformed.
     *
     * @param prompts prompts' token ids
     * @return a new array of rewritten prompts
     * @throws IllegalArgumentException if the transform does not apply to one of them
     */
    public int[][] apply(int[][] prompts) {
        int[][] out = new int[prompts.length][];
        for (int i = 0; i < prompts.length; i++) out[i] = apply(prompts[i]);
        return out;
    }

    /**
     * The (prompt, response) pair with the prompt transformed; the response is the same token ids (copied).
     *
     * @param e an episode
     * @return a new episode
     */
    public Episode apply(Episode e) { return new Episode(apply(e.prompt()), e.response()); }

    /**
     * The transform's name, for reports.
     *
     * @return the name
     */
    public String name() { return name; }

    @Override
    public String toString() { return name; }

    private static int indexOf(int[] p, int[] f) {
        outer:
        for (int i = 0; i + f.length <= p.length; i++) {
            for (int j = 0; j < f.length; j++) if (p[i + j] != f[j]) continue outer;
            return i;
        }
        return -1;
    }
}
