package dev.sluice.cli;

import dev.sluice.io.Json;
import dev.sluice.models.HfModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@code sluice finetune}, in-process on tiny random models with a real byte-level BPE tokenizer and KJV verses. */
class FinetuneCommandTest {
    @TempDir
    static Path tmp;
    static Path llama, gpt2, data;

    @BeforeAll
    static void setUp() throws IOException {
        llama = LmFixture.model(tmp.resolve("llama"), LmFixture.llama(), 1, true);
        gpt2 = LmFixture.model(tmp.resolve("gpt2"), LmFixture.gpt2WithDropout(), 2, true);
        data = Files.writeString(tmp.resolve("genesis.txt"), LmFixture.GENESIS);
    }

    private static CliRun finetune(String... args) {
        List<String> a = new ArrayList<>(List.of("finetune"));
        a.addAll(Arrays.asList(args));
        return CliRun.of(a.toArray(String[]::new));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> state(Path out) throws IOException {
        return (Map<String, Object>) Json.parse(Files.readString(out.resolve("trainer_state.json")));
    }

    @Test
    void lossFallsAndTheResultIsAModelDirectory() throws IOException {
        Path out = tmp.resolve("tuned");
        CliRun r = finetune("--model", llama.toString(), "--data", data.toString(), "--out", out.toString(), "--seq-len", "32",
                "--batch-size", "4", "--steps", "40", "--lr", "3e-3", "--warmup-steps", "4", "--log-every", "10");
        assertEquals(0, r.code(), r.toString());
        String[] progress = r.err().split("\n");
        assertEquals(4, progress.length, r.err());
        assertTrue(progress[0].matches("step 10/40  loss \\d+\\.\\d{4}  lr \\S+  [0-9,]+ tokens/s  ETA \\d+:\\d\\d:\\d\\d"), progress[0]);
        assertTrue(r.out().contains("saved " + out + " (step 40 of 40)"), r.out());
        Map<String, Object> s = state(out);
        assertEquals(40L, s.get("step"));
        assertEquals(true, s.get("finished"));
        assertEquals(false, s.get("diverged"));
        List<?> history = (List<?>) s.get("log_history");
        assertEquals(4, history.size());
        double first = ((Number) ((Map<?, ?>) history.get(0)).get("loss")).doubleValue();
        double last = ((Number) ((Map<?, ?>) history.get(3)).get("loss")).doubleValue();
        assertTrue(first > Math.log(2048) - 1, "a random model starts near ln(vocab): " + first);
        assertTrue(last < first - 1.5, "the loss should fall on text it sees again and again: " + first + " -> " + last);
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "optimizer.safetensors")) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
        assertNotNull(HfModels.load(out));
        // the fine-tuned model generates, and a second run into the same --out is refused
        assertEquals(0, CliRun.of("generate", "--model", out.toString(), "--prompt", "And God", "--max-tokens", "5", "--temperature", "0").code());
        CliRun again = finetune("--model", llama.toString(), "--data", data.toString(), "--out", out.toString());
        assertEquals("sluice finetune: --out " + out + " already holds a fine-tuning checkpoint; add --resume to continue it, or give another --out\n",
                again.err());
    }

    @Test
    void resumingAfterAStopGivesTheWeightsOfAnUninterruptedRun() throws IOException {
        String[] common = {"--model", gpt2.toString(), "--data", data.toString(), "--seq-len", "24", "--batch-size", "3",
                "--steps", "12", "--lr", "2e-3", "--warmup-steps", "3", "--weight-decay", "0.01", "--seed", "5", "--log-every", "4"};
        Path straight = tmp.resolve("straight"), interrupted = tmp.resolve("interrupted");
        CliRun a = finetune(concat(common, "--out", straight.toString(), "--checkpoint-every", "4"));
        assertEquals(0, a.code(), a.toString());
        CliRun b1 = finetune(concat(common, "--out", interrupted.toString(), "--stop-after", "7"));
        assertEquals(0, b1.code(), b1.toString());
        assertTrue(b1.out().contains("(step 7 of 12)") && b1.out().contains("continue with --resume"), b1.out());
        assertEquals(7L, state(interrupted).get("step"));
        assertEquals(false, state(interrupted).get("finished"));
        CliRun b2 = finetune(concat(common, "--out", interrupted.toString(), "--resume"));
        assertEquals(0, b2.code(), b2.toString());
        assertTrue(b2.out().contains("resumed at step 7"), b2.out());
        assertArrayEquals(Files.readAllBytes(straight.resolve("model.safetensors")), Files.readAllBytes(interrupted.resolve("model.safetensors")),
                "weights after 12 steps, with and without a stop at 7");
        assertArrayEquals(Files.readAllBytes(straight.resolve("optimizer.safetensors")), Files.readAllBytes(interrupted.resolve("optimizer.safetensors")));
        // the run is finished: resuming again does nothing
        CliRun b3 = finetune(concat(common, "--out", interrupted.toString(), "--resume"));
        assertEquals(0, b3.code(), b3.toString());
        assertTrue(b3.out().contains("already finished"), b3.out());
        // other options than the checkpoint's are refused
        CliRun other = finetune("--model", gpt2.toString(), "--data", data.toString(), "--seq-len", "24", "--batch-size", "3",
                "--steps", "12", "--lr", "1e-3", "--warmup-steps", "3", "--weight-decay", "0.01", "--seed", "5", "--out", interrupted.toString(), "--resume");
        assertEquals("sluice finetune: --resume: the checkpoint in " + interrupted + " was made with other options: --lr 0.001 (checkpoint: 0.002);"
                + " give the same options to continue it\n", other.err());
        assertEquals(2, other.code());
    }

    @Test
    void aCheckpointWhoseSaveWasCutShortIsNotResumed() throws IOException {
        Path out = tmp.resolve("cut");
        String[] common = {"--model", llama.toString(), "--data", data.toString(), "--out", out.toString(), "--seq-len", "32",
                "--batch-size", "4", "--steps", "6"};
        assertEquals(0, finetune(concat(common, "--stop-after", "2")).code());
        Path saved = tmp.resolve("cut-optimizer");
        Files.copy(out.resolve("optimizer.safetensors"), saved);
        assertEquals(0, finetune(concat(common, "--resume", "--stop-after", "4")).code());
        // as if the save of step 4 stopped after the optimizer and model: the trainer state still says step 2
        String state4 = Files.readString(out.resolve("trainer_state.json"));
        Files.writeString(out.resolve("trainer_state.json"), state4.replaceFirst("\"step\": 4", "\"step\": 2"));
        CliRun r = finetune(concat(common, "--resume"));
        assertEquals("sluice finetune: --resume: " + out.resolve("optimizer.safetensors") + " is of step 4, trainer_state.json of step 2:"
                + " a checkpoint save was cut short; the checkpoint cannot be resumed\n", r.err(), r.toString());
        assertEquals(2, r.code());
    }

    @Test
    void divergenceStopsKeepsTheLastCheckpointAndExitsOne() throws IOException {
        Path out = tmp.resolve("diverged");
        CliRun r = finetune("--model", llama.toString(), "--data", data.toString(), "--out", out.toString(), "--seq-len", "32",
                "--batch-size", "4", "--steps", "20", "--lr", "1e30", "--clip", "0", "--checkpoint-every", "1", "--log-every", "100");
        assertEquals(1, r.code(), r.toString());
        Map<String, Object> s = state(out);
        long at = (Long) s.get("diverged_at_step");
        assertEquals(true, s.get("diverged"));
        assertEquals(at - 1, s.get("step"));
        assertTrue(r.err().matches("sluice finetune: the (loss|gradient norm) went non-finite \\((NaN|Infinity|-Infinity)\\) at step " + at
                + " \\(lr \\S+\\); " + java.util.regex.Pattern.quote(out.toString()) + " keeps the checkpoint of step " + (at - 1)
                + "; trainer_state.json says \"diverged\": true\n"), r.err());
        CliRun again = finetune("--model", llama.toString(), "--data", data.toString(), "--out", out.toString(), "--seq-len", "32",
                "--batch-size", "4", "--steps", "20", "--lr", "1e30", "--clip", "0", "--resume");
        assertEquals(2, again.code());
        assertTrue(again.err().startsWith("sluice finetune: --resume: the run in " + out + " diverged at step " + at), again.err());
    }

    @Test
    void aModelTooBigForTheHeapIsRefusedUpFront() throws IOException {
        Path huge = GenerateCommandTest.hugeModel(tmp.resolve("huge"));
        CliRun r = finetune("--model", huge.toString(), "--data", data.toString(), "--out", tmp.resolve("huge-out").toString(),
                "--batch-size", "2", "--seq-len", "64");
        assertEquals(2, r.code(), r.toString());
        String params = String.format(java.util.Locale.ROOT, "%,d", HfModels.readConfig(huge).parameterCount());
        assertTrue(r.err().matches("sluice finetune: the model needs about [0-9.]+ GiB \\(" + params + " parameters × 16 bytes for weights,"
                + " gradients and AdamW moments, plus ~\\S+ \\S+ for activations at batch 2 × 64\\), the heap is .*: run with SLUICE_JAVA_OPTS=-Xmx\\d+g\n"),
                r.err());
        assertFalse(Files.exists(tmp.resolve("huge-out")));
    }

    private static void assertUserError(CliRun r, String line) {
        assertEquals(line + "\n", r.err(), r.toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals("", r.out(), r.toString());
    }

    @Test
    void badOptionsAreOneLineBeforeAnyWork() throws IOException {
        String m = llama.toString(), d = data.toString(), o = tmp.resolve("never").toString();
        assertUserError(finetune("--model", m, "--data", d, "--out", o, "--seq-len", "0"),
                "sluice finetune: --seq-len must be a positive integer, got 0");
        assertUserError(finetune("--model", m, "--data", d, "--out", o, "--seq-len", "256"),
                "sluice finetune: --seq-len 256 exceeds the model's 128 positions");
        assertUserError(finetune("--model", m, "--data", d, "--out", o, "--steps", "5", "--epochs", "1"),
                "sluice finetune: give --steps or --epochs, not both");
        assertUserError(finetune("--model", m, "--data", d, "--out", o, "--beta1", "1"),
                "sluice finetune: --beta1 must be in [0, 1), got 1");
        assertUserError(finetune("--model", m, "--data", d, "--out", o, "--lr", "Infinity"),
                "sluice finetune: --lr must be a finite number > 0, got Infinity");
        assertUserError(finetune("--model", m, "--data", d, "--out", o, "--min-lr", "1", "--lr", "0.1"),
                "sluice finetune: --min-lr 1 must not exceed --lr 0.1");
        assertUserError(finetune("--model", m, "--data", d, "--out", o, "--clip", "-1"),
                "sluice finetune: --clip must be a finite number >= 0, got -1");
        assertUserError(finetune("--model", m, "--data", d, "--out", o, "--steps", "3", "--warmup-steps", "4"),
                "sluice finetune: --warmup-steps 4 exceeds the run's 3 steps");
        assertUserError(finetune("--model", m, "--data", d, "--out", o, "--steps", "3", "--stop-after", "4"),
                "sluice finetune: --stop-after must be between 1 and 3, got 4");
        assertUserError(finetune("--model", m, "--data", d, "--out", d),
                "sluice finetune: --out " + d + " exists and is not a directory");
        assertUserError(finetune("--model", m, "--data", d, "--out", m),
                "sluice finetune: --out " + m + " is the --model directory; give another directory for the new model");
        assertUserError(finetune("--model", m, "--data", d, "--out", o, "--resume"),
                "sluice finetune: --resume: --out " + o + " holds no checkpoint (trainer_state.json); run without --resume to start");
        assertUserError(finetune("--model", m, "--data", d, "--out", gpt2.toString()),
                "sluice finetune: --out " + gpt2 + " already holds a model; give a new or empty directory");
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "\n  \n\n");
        assertUserError(finetune("--model", m, "--data", empty.toString(), "--out", o),
                "sluice finetune: --data " + empty + " holds no text");
        Path shortText = Files.writeString(tmp.resolve("short.txt"), "In the beginning\n");
        int n = dev.sluice.text.Tokenizer.load(LmFixture.TOKENIZER).encode("In the beginning", true).length + 1;
        assertUserError(finetune("--model", m, "--data", shortText.toString(), "--out", o),
                "sluice finetune: --data " + shortText + " gives " + n + " tokens, fewer than --seq-len 128; lower --seq-len or add text");
        Path latin1 = Files.write(tmp.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'});
        assertUserError(finetune("--model", m, "--data", latin1.toString(), "--out", o),
                "sluice finetune: --data " + latin1 + " is not UTF-8 text");
        Path missing = tmp.resolve("missing.txt");
        assertUserError(finetune("--model", m, "--data", missing.toString(), "--out", o),
                "sluice finetune: --data " + missing + ": no such file");
        assertFalse(Files.exists(Path.of(o)), "nothing was created");
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
