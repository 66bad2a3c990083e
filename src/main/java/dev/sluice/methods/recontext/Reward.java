package dev.sluice.methods.recontext;

import dev.sluice.text.Tokenizer;

import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Scores a response to a problem. Trainers optimise one reward (possibly misspecified, e.g. "passes the tests") and
 * track a second one as the ground truth (e.g. "is correct") without ever training on it. The prompt passed is the
 * base problem, before any {@link PromptTransform}: a reward must not depend on the instruction the policy saw.
 *
 * <p>A reward is a Java lambda or class on token ids, or one of the text-level rewards built here with a
 * {@link Tokenizer} (problem and response decoded, special tokens skipped): {@link #text}, {@link #regex},
 * {@link #command}, or a class named at run time ({@link #ofClass}).
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

    /** A reward on decoded text. */
    @FunctionalInterface
    interface TextScore {
        /**
         * The score of a response for a problem.
         *
         * @param problem the untransformed problem's text
         * @param response the response's text (special tokens such as EOS removed)
         * @return the score
         */
        double score(String problem, String response);
    }

    /**
     * A reward on text: problem and response are decoded with {@code tok} (special tokens skipped), then scored.
     *
     * @param tok the tokenizer the policy's ids belong to
     * @param fn the score of (problem text, response text)
     * @return the reward
     * @throws NullPointerException if tok or fn is null
     */
    static Reward text(Tokenizer tok, TextScore fn) {
        Objects.requireNonNull(tok, "tokenizer");
        Objects.requireNonNull(fn, "score");
        return (problem, response) -> fn.score(tok.decode(problem, true), tok.decode(response, true));
    }

    /**
     * 1 when the decoded response contains a match of a regular expression ({@link java.util.regex.Pattern} syntax,
     * found anywhere: anchor it with {@code ^…$} to match the whole response), else 0.
     *
     * @param tok the tokenizer the policy's ids belong to
     * @param regex the pattern
     * @return the reward
     * @throws java.util.regex.PatternSyntaxException if the pattern is invalid
     */
    static Reward regex(Tokenizer tok, String regex) {
        Pattern p = Pattern.compile(regex);
        return text(tok, (problem, response) -> p.matcher(response).find() ? 1 : 0);
    }

    /**
     * Runs an external command once per sample: the decoded response is written to its standard input (UTF-8), the
     * decoded problem is in the environment variable {@code SLUICE_PROBLEM}, and the reward is the number its standard
     * output holds (surrounding whitespace ignored). Failures are errors, never a silent 0: a command that cannot start,
     * exits with a non-zero status (its standard error is quoted), prints something that is not a number, or runs past
     * the timeout (it is killed) makes {@link #score} throw {@link IllegalStateException}.
     *
     * @param tok the tokenizer the policy's ids belong to
     * @param command the program and its arguments, e.g. {@code List.of("python3", "grade.py")}
     * @param timeout the longest one run may take
     * @return the reward
     * @throws IllegalArgumentException if the command is empty or the timeout is not positive
     */
    static Reward command(Tokenizer tok, List<String> command, Duration timeout) {
        if (command.isEmpty()) throw new IllegalArgumentException("Reward.command: the command is empty");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("Reward.command: the timeout must be positive, got " + timeout);
        List<String> cmd = List.copyOf(command);
        return text(tok, (problem, response) -> RewardCommands.run(cmd, problem, response, timeout));
    }

    /**
     * A reward from a class named at run time (e.g. given on a command line): a public class with a public no-argument
     * constructor implementing {@link Reward} (on token ids) or {@link TextScore} (on text, decoded with tok).
     *
     * @param className the binary name of the class, visible to this module's class loader
     * @param tok the tokenizer for a {@link TextScore}; may be null for a {@link Reward}
     * @return the reward
     * @throws IllegalArgumentException if the class cannot be found or instantiated, implements neither interface, or
     * is a {@link TextScore} and tok is null
     */
    static Reward ofClass(String className, Tokenizer tok) {
        Object o;
        try {
            o = Class.forName(className).getConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("Reward.ofClass: class " + className + " not found", e);
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalArgumentException("Reward.ofClass: cannot instantiate " + className
                    + " (it needs a public no-argument constructor): " + e, e);
        }
        if (o instanceof Reward r) return r;
        if (o instanceof TextScore t) {
            if (tok == null) throw new IllegalArgumentException("Reward.ofClass: " + className + " scores text and needs a tokenizer");
            return text(tok, t);
        }
        throw new IllegalArgumentException("Reward.ofClass: " + className + " implements neither Reward nor Reward.TextScore");
    }
}
