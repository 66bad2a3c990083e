// Example 03: a character-level GPT trained on the King James Bible, then sampled.
//   ./sluice example 03 [--steps N] [--corpus kjv|fortunes] [--short]
// The text comes from Debian packages: bible-kjv (its `bible` program prints the verses of bible-kjv-text) or
// fortunes. Every character is a token, so the vocabulary is the distinct characters of the text (63 in the KJV).
// The full run (4 layers, d=128, 1,500 steps of 32×64 characters) takes minutes (9 on a busy 2-core machine);
// --short trains a tiny model for 60 steps, enough to see the loss fall well below what a uniform guess costs.
import dev.sluice.autograd.GradMode;
import dev.sluice.nn.GPT;
import dev.sluice.nn.Losses;
import dev.sluice.optim.AdamW;
import dev.sluice.optim.GradClip;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

public class Main {
    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        boolean quick = a.contains("--short");
        String corpus = a.contains("--corpus") ? a.get(a.indexOf("--corpus") + 1) : "kjv";
        int steps = a.contains("--steps") ? Integer.parseInt(a.get(a.indexOf("--steps") + 1)) : quick ? 60 : 1500;
        int batch = quick ? 16 : 32, context = quick ? 32 : 64;
        if (!corpus.equals("kjv") && !corpus.equals("fortunes")) throw new IllegalArgumentException("--corpus kjv or fortunes, not " + corpus);

        String text = corpus.equals("kjv") ? kjv() : Files.readString(Path.of("/usr/share/games/fortunes/fortunes"));
        // The vocabulary: each distinct character gets an id, in sorted order
        TreeSet<Character> chars = new TreeSet<>();
        for (char c : text.toCharArray()) chars.add(c);
        char[] itos = new char[chars.size()];
        int[] stoi = new int[Character.MAX_VALUE + 1];
        int v = 0;
        for (char c : chars) { itos[v] = c; stoi[c] = v++; }
        int[] ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) ids[i] = stoi[text.charAt(i)];
        int split = ids.length * 9 / 10;                        // the last 10% is held out for validation
        System.out.printf("%s: %,d characters, vocabulary %d (a uniform guess costs ln %d = %.3f nats)%n",
                corpus, ids.length, v, v, Math.log(v));

        Generator gen = new Generator(0);
        GPT.Config cfg = quick ? new GPT.Config(v, context, 48, 2, 2, 0.0) : new GPT.Config(v, context, 128, 4, 4, 0.0);
        GPT model = new GPT(cfg, gen);
        AdamW opt = new AdamW(model.parameters(), quick ? 3e-3 : 1e-3);
        System.out.printf("GPT: %d layers, d=%d, %d heads, context %d, %,d parameters; %d steps of %d×%d%n",
                cfg.nLayers(), cfg.dModel(), cfg.nHeads(), context, model.parameterCount(), steps, batch, context);

        SplittableRandom rng = new SplittableRandom(1);
        long t0 = System.nanoTime();
        for (int step = 0; step <= steps; step++) {
            if (step % Math.max(1, steps / 5) == 0 || step == steps) {
                System.out.printf("step %4d  validation loss %.3f  (%.0f s)%n", step,
                        validationLoss(model, ids, split, batch, context), (System.nanoTime() - t0) / 1e9);
            }
            if (step == steps) break;
            Tensor[] xy = batch(ids, 0, split, batch, context, rng);
            Tensor logits = model.forward(xy[0]);               // [B, T, V]: a prediction at every position
            Tensor loss = Losses.crossEntropy(logits.reshape(-1, v), xy[1].reshape(-1));
            opt.zeroGrad();
            loss.backward();
            GradClip.clipGradNorm(model.parameters(), 1.0);
            opt.step();
        }

        // Sampling: temperature < 1 sharpens the distribution, top-k keeps only the k likeliest characters
        String prompt = corpus.equals("kjv") ? "And God said" : "The ";
        int[] promptIds = prompt.chars().map(c -> stoi[c]).toArray();
        int[] out = model.generate(promptIds, quick ? 80 : 500, 0.8, 20, new Generator(42));
        StringBuilder sample = new StringBuilder();
        for (int id : out) sample.append(itos[id]);
        System.out.println("--- sample (temperature 0.8, top-k 20) ---");
        System.out.println(sample);
    }

    /** A batch of random windows from ids[from, to): inputs [B, T] and the same windows shifted by one as targets. */
    static Tensor[] batch(int[] ids, int from, int to, int b, int t, SplittableRandom rng) {
        long[] x = new long[b * t], y = new long[b * t];
        for (int i = 0; i < b; i++) {
            int start = from + rng.nextInt(to - from - t - 1);
            for (int j = 0; j < t; j++) {
                x[i * t + j] = ids[start + j];
                y[i * t + j] = ids[start + j + 1];
            }
        }
        return new Tensor[] {Tensor.of(x, b, t), Tensor.of(y, b, t)};
    }

    /** The mean loss on 4 fixed batches of the held-out text (the same windows every time: a fair comparison). */
    static double validationLoss(GPT model, int[] ids, int split, int b, int t) {
        SplittableRandom rng = new SplittableRandom(7);
        double sum = 0;
        model.eval();
        try (var noGrad = GradMode.noGrad()) {
            for (int k = 0; k < 4; k++) {
                Tensor[] xy = batch(ids, split, ids.length, b, t, rng);
                sum += Losses.crossEntropy(model.forward(xy[0]).reshape(-1, model.vocabSize()), xy[1].reshape(-1)).item();
            }
        }
        model.train();
        return sum / 4;
    }

    /** The 31,102 verses, one per line, without their "Gen1:1"-style references. */
    static String kjv() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/bible"))) {
            throw new IllegalStateException("the King James Bible is missing: apt-get install bible-kjv (or use --corpus fortunes)");
        }
        Process p = new ProcessBuilder("/usr/bin/bible", "-f", "Gen1:1-Rev22:21")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException("`bible` failed; apt-get install bible-kjv");
        StringBuilder text = new StringBuilder();
        for (String line : out.split("\n")) {
            int space = line.indexOf(' ');
            if (space > 0 && line.substring(0, space).matches("\\d?[A-Za-z]+\\d+:\\d+")) text.append(line, space + 1, line.length()).append('\n');
        }
        return text.toString();
    }
}
