package dev.sluice.cli;

import dev.sluice.io.Json;
import dev.sluice.methods.recontext.Reward;
import dev.sluice.models.HfModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code sluice routing model}, {@code sluice undo model} and {@code sluice recontext model}, in-process on the tiny
 * random Llama of {@link LmFixture} with its real byte-level BPE tokenizer.
 */
class HfMethodsCommandTest {
    @TempDir
    static Path tmp;
    static Path llama, retain, forget, words, problems, templates;

    /** A second "language" for the forget side: counting, which shares few tokens with Genesis. */
    static final String COUNTING = String.join("\n", java.util.Collections.nCopies(12,
            "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"));

    @BeforeAll
    static void setUp() throws IOException {
        llama = LmFixture.model(tmp.resolve("llama"), LmFixture.llama(), 1, true);
        retain = Files.writeString(tmp.resolve("retain.txt"), LmFixture.GENESIS);
        forget = Files.writeString(tmp.resolve("forget.txt"), COUNTING);
        words = Files.writeString(tmp.resolve("words.txt"), "light\ndarkness\nwaters\n");
        Files.writeString(tmp.resolve("blank.txt"), "\n  \n");
        problems = Files.writeString(tmp.resolve("problems.txt"), "two plus two\nthe sky is\nonce upon a time\n");
        templates = Files.writeString(tmp.resolve("templates.json"),
                "{\"generation\": \"Q: {problem}\\nA:\", \"training\": \"Question: {problem}\\nAnswer:\"}");
    }

    static CliRun run(String... args) { return CliRun.of(args); }

    static String[] args(String command, String sub, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of(command, sub, "--model", llama.toString(), "--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(Path file) throws IOException { return (Map<String, Object>) Json.parse(Files.readString(file)); }

    static double num(Map<String, Object> m, String... path) {
        Object o = m;
        for (String p : path) o = ((Map<?, ?>) o).get(p);
        return ((Number) o).doubleValue();
    }

    static void assertModelDir(Path out) throws IOException {
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) assertTrue(Files.exists(out.resolve(f)), f);
        assertEquals(LmFixture.llama().parameterCount(), HfModels.readConfig(out).parameterCount());
        assertNotNull(HfModels.load(out));
    }

    // ---------------------------------------------------------------- routing model

    @Test
    void eraWithALabelledForgetFileForgetsItMoreThanTheRetainText() throws IOException {
        Path out = tmp.resolve("era");
        CliRun r = run(args("routing", "model", out, "--retain", retain.toString(), "--forget", forget.toString(), "--layers", "0,1",
                "--expand", "16", "--steps", "60", "--lr", "3e-3", "--seq-len", "32", "--batch-size", "8", "--log-every", "20"));
        assertEquals(0, r.code(), r.toString());
        assertEquals(3, r.err().split("\n").length, r.err());
        assertModelDir(out);
        Map<String, Object> j = json(out.resolve("era_results.json"));
        for (String k : List.of("method", "layers", "expand", "before_training", "before_ablation", "after_ablation", "loss_history", "diverged")) {
            assertTrue(j.containsKey(k), k);
        }
        assertEquals(false, j.get("diverged"));
        double retainRise = num(j, "after_ablation", "retain_loss") - num(j, "before_ablation", "retain_loss");
        double forgetRise = num(j, "after_ablation", "forget_loss") - num(j, "before_ablation", "forget_loss");
        System.out.printf("routing model: retain %+.3f, forget %+.3f after ablation%n", retainRise, forgetRise);
        assertTrue(num(j, "before_ablation", "forget_loss") < num(j, "before_training", "forget_loss") - 1, "the forget text was learnt");
        assertTrue(forgetRise > retainRise + 0.1, "forget " + forgetRise + " vs retain " + retainRise);
    }

    @Test
    void eraWithAForgetTokenListReportsTheRoutedPositions() throws IOException {
        Path out = tmp.resolve("era-tokens"), results = tmp.resolve("era-tokens.json");
        CliRun r = run(args("routing", "model", out, "--retain", retain.toString(), "--forget-tokens", words.toString(), "--expand", "8",
                "--steps", "10", "--lr", "1e-3", "--seq-len", "32", "--results", results.toString(), "--train", "mlp"));
        assertEquals(0, r.code(), r.toString());
        assertModelDir(out);
        Map<String, Object> j = json(results);
        assertFalse(((List<?>) j.get("forget_token_ids")).isEmpty());
        assertEquals(List.of(0L), j.get("layers"), "the first half of 2 layers");
        assertTrue(num(j, "after_ablation", "forget_positions") > 0);
        assertFalse(Files.exists(out.resolve("era_results.json")));
    }

    @Test
    void eraDivergenceWritesNullsAndSavesNoModel() throws IOException {
        Path out = tmp.resolve("era-diverged");
        CliRun r = run(args("routing", "model", out, "--retain", retain.toString(), "--forget", forget.toString(), "--steps", "20",
                "--lr", "1e30", "--seq-len", "32"));
        assertEquals(1, r.code(), r.toString());
        assertEquals("sluice routing model: the training loss went non-finite; no model saved; results written to " + out.resolve("era_results.json")
                + " with null for non-finite numbers and \"diverged\": true\n", r.err().substring(r.err().indexOf("sluice routing model:")));
        Map<String, Object> j = json(out.resolve("era_results.json"));
        assertEquals(true, j.get("diverged"));
        assertFalse(Files.exists(out.resolve("model.safetensors")));
    }

    // ---------------------------------------------------------------- undo model

    @Test
    void undoUnlearnsDistilsAndAttacks() throws IOException {
        Path out = tmp.resolve("undo"), teacher = tmp.resolve("undo-teacher");
        CliRun r = run(args("undo", "model", out, "--retain", retain.toString(), "--forget", forget.toString(), "--method", "graddiff",
                "--unlearn-steps", "10", "--unlearn-lr", "3e-3", "--alpha", "0.6", "--beta", "0.5", "--distill-steps", "40",
                "--distill-lr", "1e-2", "--check-every", "10", "--stop-within", "0.0001", "--attack-steps", "4", "--attack-lrs", "1e-3,1e-2",
                "--attack-teacher", "--seq-len", "32", "--save-teacher", teacher.toString()));
        assertEquals(0, r.code(), r.toString());
        assertModelDir(out);
        assertModelDir(teacher);
        Map<String, Object> j = json(out.resolve("undo_results.json"));
        for (String k : List.of("original", "unlearning", "teacher", "student_after_noise", "distillation", "student", "attack", "diverged")) {
            assertTrue(j.containsKey(k), k);
        }
        assertTrue(num(j, "teacher", "forget_loss") > num(j, "original", "forget_loss"), "GradDiff raises the forget loss");
        double before = num(j, "student_after_noise", "kl_to_teacher"), after = num(j, "student", "kl_to_teacher");
        System.out.printf("undo model: KL to teacher %.4f -> %.4f%n", before, after);
        assertTrue(after < before / 2, before + " -> " + after);
        assertEquals(40.0, num(j, "distillation", "steps"));
        Map<?, ?> attack = (Map<?, ?>) ((Map<?, ?>) j.get("attack")).get("student");
        assertEquals(List.of(0L, 2L, 4L), attack.get("eval_steps"));
        assertEquals(2, ((Map<?, ?>) attack.get("forget_loss_per_lr")).size());
        assertTrue(((Map<?, ?>) j.get("attack")).containsKey("teacher"));
        // losses and the attack are measured on the files' held-out tails, which no stage trained on
        double heldOut = num(j, "forget_data", "held_out_sequences"), trained = num(j, "forget_data", "training_sequences");
        assertTrue(heldOut >= 1 && heldOut <= (heldOut + trained) / 4, heldOut + " of " + (heldOut + trained));
        assertEquals(heldOut, ((Number) ((Map<?, ?>) j.get("attack")).get("held_out_sequences")).doubleValue());
        assertEquals(trained, ((Number) ((Map<?, ?>) j.get("attack")).get("train_sequences")).doubleValue());
    }

    @Test
    void undoWithRmuAndMaxEntRun() throws IOException {
        for (String method : List.of("rmu", "maxent")) {
            Path out = tmp.resolve("undo-" + method);
            CliRun r = run(args("undo", "model", out, "--retain", retain.toString(), "--forget", forget.toString(), "--method", method,
                    "--unlearn-steps", "3", "--unlearn-lr", "1e-3", "--distill-steps", "5", "--distill-lr", "1e-3", "--attack-steps", "0",
                    "--seq-len", "32", "--batch-size", "4"));
            assertEquals(0, r.code(), r.toString());
            assertModelDir(out);
            Map<String, Object> j = json(out.resolve("undo_results.json"));
            assertEquals(method, j.get("method"));
            assertFalse(j.containsKey("attack"));
        }
    }

    // ---------------------------------------------------------------- recontext model

    @Test
    void expertIterationWithARegexRewardDoesNotLowerTheRate() throws IOException {
        Path out = tmp.resolve("recontext");
        CliRun r = run(args("recontext", "model", out, "--problems", problems.toString(), "--templates", templates.toString(),
                "--reward-regex", "[0-9]", "--rounds", "3", "--samples", "16", "--sft-steps", "15", "--batch-size", "6", "--lr", "1e-2",
                "--max-tokens", "4", "--eval-samples", "16", "--seed", "1"));
        assertEquals(0, r.code(), r.toString());
        assertModelDir(out);
        Map<String, Object> j = json(out.resolve("recontext_results.json"));
        assertEquals(3, ((List<?>) j.get("per_round")).size());
        double before = num(j, "reward_rate_before"), after = num(j, "reward_rate_after");
        System.out.printf("recontext model (expert iteration): rate %.3f -> %.3f%n", before, after);
        assertTrue(after >= before, before + " -> " + after);
    }

    /** A reward class for --reward-class: 1 when the response holds a letter a-f. */
    public static final class HexLetter implements Reward.TextScore {
        public HexLetter() {}

        @Override
        public double score(String problem, String response) { return response.matches("(?s).*[a-f].*") ? 1 : 0; }
    }

    @Test
    void grpoWithACommandOrAClassReward() throws IOException {
        Path out = tmp.resolve("grpo-command");
        CliRun r = run(args("recontext", "model", out, "--problems", problems.toString(), "--templates", templates.toString(),
                "--reward-command", "grep -c '[0-9]' || true", "--trainer", "grpo", "--rounds", "2", "--samples", "2", "--lr", "1e-3",
                "--max-tokens", "3", "--eval-samples", "1"));
        assertEquals(0, r.code(), r.toString());
        assertModelDir(out);
        Map<String, Object> j = json(out.resolve("recontext_results.json"));
        assertEquals("grpo", j.get("trainer"));
        assertTrue(j.containsKey("reward_rate_after"));
        Path out2 = tmp.resolve("grpo-class");
        CliRun c = run(args("recontext", "model", out2, "--problems", problems.toString(), "--templates", templates.toString(),
                "--reward-class", HexLetter.class.getName(), "--trainer", "grpo", "--rounds", "1", "--samples", "2", "--max-tokens", "3",
                "--eval-samples", "0"));
        assertEquals(0, c.code(), c.toString());
        assertModelDir(out2);
    }

    @Test
    void aFailingRewardCommandIsOneLineAndSavesNoModel() {
        Path out = tmp.resolve("bad-command");
        CliRun r = run(args("recontext", "model", out, "--problems", problems.toString(), "--templates", templates.toString(),
                "--reward-command", "echo nope >&2; exit 3", "--rounds", "1", "--samples", "2", "--max-tokens", "2"));
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().startsWith("sluice recontext model: --reward-command: ") && r.err().contains("nope")
                && r.err().endsWith("; no model saved\n") && r.err().split("\n").length == 1, r.err());
        assertFalse(Files.exists(out.resolve("model.safetensors")));
    }

    @Test
    void undoAndRecontextDivergenceWriteNullsAndSaveNoModel() throws IOException {
        Path out = tmp.resolve("undo-diverged");
        CliRun r = run(args("undo", "model", out, "--retain", retain.toString(), "--forget", forget.toString(), "--method", "graddiff",
                "--unlearn-steps", "20", "--unlearn-lr", "1e30", "--seq-len", "32"));
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().endsWith("sluice undo model: the unlearning loss went non-finite; no model saved; results written to "
                + out.resolve("undo_results.json") + " with null for non-finite numbers and \"diverged\": true\n"), r.err());
        Map<String, Object> j = json(out.resolve("undo_results.json"));
        assertEquals(true, j.get("diverged"));
        assertEquals("unlearning", j.get("diverged_in"));
        assertFalse(Files.exists(out.resolve("model.safetensors")));

        Path out2 = tmp.resolve("recontext-diverged");
        CliRun g = run(args("recontext", "model", out2, "--problems", problems.toString(), "--templates", templates.toString(),
                "--reward-regex", "[a-z]", "--rounds", "3", "--samples", "4", "--sft-steps", "3", "--lr", "1e30", "--max-tokens", "3",
                "--eval-samples", "0"));
        assertEquals(1, g.code(), g.toString());
        assertTrue(g.err().endsWith("sluice recontext model: the training loss went non-finite; no model saved; results written to "
                + out2.resolve("recontext_results.json") + " with null for non-finite numbers and \"diverged\": true\n"), g.err());
        assertEquals(true, json(out2.resolve("recontext_results.json")).get("diverged"));
        assertFalse(Files.exists(out2.resolve("model.safetensors")));
    }

    // ---------------------------------------------------------------- bad options

    private static void assertUserError(CliRun r, String line) {
        assertEquals(line + "\n", r.err(), r.toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals("", r.out(), r.toString());
    }

    @Test
    void badOptionsAreOneLineBeforeAnyWork() throws IOException {
        Path o = tmp.resolve("never");
        String re = retain.toString(), fo = forget.toString();
        assertUserError(run(args("routing", "model", o, "--retain", re)),
                "sluice routing model: give --forget FILE (labelled forget text) or --forget-tokens FILE (or both)");
        assertUserError(run(args("routing", "model", o, "--retain", re, "--forget", fo, "--layers", "0,2")),
                "sluice routing model: --layers must be between 0 and 1, got 2");
        assertUserError(run(args("routing", "model", o, "--retain", re, "--forget", fo, "--layers", "1,1")),
                "sluice routing model: --layers repeats a layer: 1,1");
        assertUserError(run(args("routing", "model", o, "--retain", re, "--forget", fo, "--seq-len", "1")),
                "sluice routing model: --seq-len must be between 2 and 2147483647, got 1");
        assertUserError(run(args("routing", "model", o, "--retain", re, "--forget", fo, "--seq-len", "129")),
                "sluice routing model: --seq-len 129 exceeds the model's 128 positions");
        assertUserError(run(args("routing", "model", o, "--retain", re, "--forget", fo, "--forget-value", "NaN")),
                "sluice routing model: --forget-value must be a finite number, got NaN");
        assertUserError(run(args("routing", "model", o, "--retain", re, "--forget", fo, "--train", "attn")),
                "sluice routing model: --train must be one of all, mlp, got 'attn'");
        assertUserError(run(args("routing", "model", o, "--retain", tmp.resolve("missing.txt").toString(), "--forget", fo)),
                "sluice routing model: --retain " + tmp.resolve("missing.txt") + ": no such file");
        Path tiny = Files.writeString(tmp.resolve("tiny.txt"), "one two\n\n");
        var tok = dev.sluice.text.Tokenizer.load(LmFixture.TOKENIZER);
        int n = tok.encode("one two", true).length + (tok.eosTokenId().isPresent() ? 1 : 0);
        assertUserError(run(args("routing", "model", o, "--retain", re, "--forget", tiny.toString(), "--seq-len", "32")),
                "sluice routing model: --forget " + tiny + " gives " + n + " tokens, fewer than --seq-len 32; lower --seq-len or add text");
        // one line of 32-63 tokens: exactly one block of 32, nothing left to hold out
        String line = "";
        for (String w : LmFixture.GENESIS.replace('\n', ' ').split(" ")) {
            if (tok.encode(line, true).length + 1 >= 40) break;
            line = (line + " " + w).strip();
        }
        int blocks = (tok.encode(line, true).length + (tok.eosTokenId().isPresent() ? 1 : 0)) / 32;
        assertEquals(1, blocks, "the file must give exactly one block of 32 tokens for this check");
        Path oneBlock = Files.writeString(tmp.resolve("one-block.txt"), line + "\n");
        assertUserError(run(args("undo", "model", o, "--retain", re, "--forget", oneBlock.toString(), "--seq-len", "32")),
                "sluice undo model: --forget " + oneBlock + " gives 1 sequence of 32 tokens; at least 2 are needed (the last ones are held out"
                        + " for evaluation); add text or lower --seq-len");
        assertUserError(run(args("routing", "model", o, "--retain", re, "--forget", tmp.resolve("blank.txt").toString(), "--seq-len", "32")),
                "sluice routing model: --forget " + tmp.resolve("blank.txt") + " holds no text");
        assertUserError(run(args("routing", "model", llama, "--retain", re, "--forget", fo)),
                "sluice routing model: --out " + llama + " is the --model directory; give another directory for the new model");
        assertUserError(run(args("undo", "model", o, "--retain", re, "--forget", fo, "--method", "npo")),
                "sluice undo model: --method must be one of maxent, graddiff, rmu, got 'npo'");
        assertUserError(run(args("undo", "model", o, "--retain", re, "--forget", fo, "--alpha", "1.5")),
                "sluice undo model: --alpha must be in [0, 1], got 1.5");
        assertUserError(run(args("undo", "model", o, "--retain", re, "--forget", fo, "--attack-lrs", "1e-4,NaN")),
                "sluice undo model: --attack-lrs must be a finite number > 0, got NaN");
        assertUserError(run(args("undo", "model", o, "--retain", re, "--forget", fo, "--stop-within", "0")),
                "sluice undo model: --stop-within must be a finite number > 0, got 0");
        assertUserError(run(args("undo", "model", o, "--retain", re, "--forget", fo, "--rmu-layer", "2")),
                "sluice undo model: --rmu-layer must be between 0 and 1, got 2");
        assertUserError(run(args("undo", "model", o, "--retain", re, "--forget", fo, "--save-teacher", o.toString())),
                "sluice undo model: --save-teacher " + o + " is --out; give another directory");
        String p = problems.toString(), t = templates.toString();
        assertUserError(run(args("recontext", "model", o, "--problems", p, "--templates", t, "--reward-regex", "(")),
                "sluice recontext model: --reward-regex: Unclosed group near index 1 of (");
        assertUserError(run(args("recontext", "model", o, "--problems", p, "--templates", t, "--reward-class", "no.such.Reward")),
                "sluice recontext model: --reward-class: Reward.ofClass: class no.such.Reward not found");
        assertUserError(run(args("recontext", "model", o, "--problems", p, "--templates", t, "--reward-regex", "x", "--trainer", "ppo")),
                "sluice recontext model: --trainer must be one of expert-iteration, grpo, got 'ppo'");
        assertUserError(run(args("recontext", "model", o, "--problems", p, "--templates", t, "--reward-regex", "x", "--max-tokens", "125")),
                "sluice recontext model: the longest prompt (15 tokens) plus --max-tokens 125 passes the model's 128 positions");
        assertUserError(run(args("recontext", "model", o, "--problems", p, "--templates", re, "--reward-regex", "x")),
                "sluice recontext model: --templates " + re + ": not valid JSON: " + badJson(re));
        CliRun both = run(args("recontext", "model", o, "--problems", p, "--templates", t, "--reward-regex", "x", "--reward-command", "true"));
        assertEquals(2, both.code(), both.toString());
        assertTrue(both.err().startsWith("sluice recontext model: ") && both.err().contains("mutually exclusive")
                && both.err().split("\n").length == 1, both.err());
        CliRun none = run(args("recontext", "model", o, "--problems", p, "--templates", t));
        assertEquals(2, none.code(), none.toString());
        assertEquals(1, none.err().split("\n").length, none.err());
        assertFalse(Files.exists(o));
    }

    @Test
    void aModelTooBigForTheHeapIsRefusedUpFront() throws IOException {
        Path huge = GenerateCommandTest.hugeModel(tmp.resolve("huge"));
        String params = String.format(java.util.Locale.ROOT, "%,d", HfModels.readConfig(huge).parameterCount());
        Path out = tmp.resolve("huge-out");
        CliRun r = run("undo", "model", "--model", huge.toString(), "--out", out.toString(), "--retain", retain.toString(),
                "--forget", forget.toString(), "--seq-len", "16", "--batch-size", "2");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().matches("sluice undo model: the model needs about [0-9.]+ GiB \\(" + params + " parameters × 24 bytes for the trained"
                + " model's weights, gradients and AdamW moments and two float32 copies \\(teacher, student or the frozen original\\), plus ~\\S+ \\S+"
                + " for activations at batch 4 × 16\\), the heap is .*: run with SLUICE_JAVA_OPTS=-Xmx\\d+g\n"), r.err());
        assertFalse(Files.exists(out));
    }

    private static String badJson(String file) {
        try {
            Json.parse(Files.readString(Path.of(file)));
            return "(parsed)";
        } catch (Exception e) {
            return e.getMessage();
        }
    }
}
