package dev.sluice.methods.recontext;

import dev.sluice.io.Json;
import dev.sluice.io.JsonParseException;
import dev.sluice.text.Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The generation and training prompts of recontextualization as text templates, each holding the placeholder
 * {@code {problem}} (every occurrence is replaced by the problem's text). A file holds one JSON object:
 * <pre>
 * {"generation": "Solve honestly, without special-casing the tests.\n{problem}\n",
 *  "training":   "Solve it; special-casing the tests is fine.\n{problem}\n"}
 * </pre>
 * {@link #generation(Tokenizer)} and {@link #training(Tokenizer)} turn them into {@link PromptTransform}s on token
 * ids: a problem's ids are decoded (special tokens skipped), put into the template, and the whole prompt is encoded
 * with the tokenizer's special tokens (the BOS a Llama tokenizer adds), as a Python script formatting the string and
 * calling {@code tokenizer(prompt)} would. Only prompts are re-tokenised: responses stay token ids throughout.
 *
 * @param generation the template responses are sampled under
 * @param training the template responses are trained under
 */
public record PromptTemplates(String generation, String training) {
    /** The placeholder each template holds. */
    public static final String PLACEHOLDER = "{problem}";

    /**
     * Checks the templates.
     *
     * @throws NullPointerException if a template is null
     * @throws IllegalArgumentException if a template lacks {@value #PLACEHOLDER}
     */
    public PromptTemplates {
        Objects.requireNonNull(generation, "generation");
        Objects.requireNonNull(training, "training");
        if (!generation.contains(PLACEHOLDER)) throw new IllegalArgumentException("PromptTemplates: the generation template lacks " + PLACEHOLDER);
        if (!training.contains(PLACEHOLDER)) throw new IllegalArgumentException("PromptTemplates: the training template lacks " + PLACEHOLDER);
    }

    /**
     * Reads a templates file: a JSON object with the string fields {@code generation} and {@code training} (and no
     * others).
     *
     * @param file the JSON file
     * @return the templates
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming the file if it is not such an object or a template lacks the
     * placeholder
     */
    public static PromptTemplates load(Path file) throws IOException {
        String text = Files.readString(file);
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> m)) throw new IllegalArgumentException(file + ": must hold a JSON object with \"generation\" and \"training\"");
        for (Object k : m.keySet()) {
            if (!k.equals("generation") && !k.equals("training")) {
                throw new IllegalArgumentException(file + ": unknown field \"" + k + "\" (expected \"generation\" and \"training\")");
            }
        }
        if (!(m.get("generation") instanceof String g)) throw new IllegalArgumentException(file + ": field \"generation\" is missing or not a string");
        if (!(m.get("training") instanceof String t)) throw new IllegalArgumentException(file + ": field \"training\" is missing or not a string");
        try {
            return new PromptTemplates(g, t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The generation template as a transform on problem token ids.
     *
     * @param tok the tokenizer of the policy
     * @return the transform named {@code generation}
     */
    public PromptTransform generation(Tokenizer tok) { return transform("generation", generation, tok); }

    /**
     * The training template as a transform on problem token ids.
     *
     * @param tok the tokenizer of the policy
     * @return the transform named {@code training}
     */
    public PromptTransform training(Tokenizer tok) { return transform("training", training, tok); }

    /**
     * Whether both templates are the same (standard training, no recontextualization).
     *
     * @return true when generation equals training
     */
    public boolean isStandard() { return generation.equals(training); }

    /**
     * A template as a transform: decode the problem (special tokens skipped), substitute it for every
     * {@value #PLACEHOLDER}, encode with special tokens.
     *
     * @param name the transform's name
     * @param template the template, holding {@value #PLACEHOLDER}
     * @param tok the tokenizer
     * @return the transform
     * @throws IllegalArgumentException if the template lacks the placeholder
     */
    public static PromptTransform transform(String name, String template, Tokenizer tok) {
        if (!template.contains(PLACEHOLDER)) throw new IllegalArgumentException("PromptTemplates: template " + name + " lacks " + PLACEHOLDER);
        Objects.requireNonNull(tok, "tokenizer");
        return PromptTransform.of(name, problem -> tok.encode(template.replace(PLACEHOLDER, tok.decode(problem, true)), true));
    }
}
