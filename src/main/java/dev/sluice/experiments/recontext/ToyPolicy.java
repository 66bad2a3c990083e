package dev.sluice.experiments.recontext;

import dev.sluice.methods.recontext.Policy;
import dev.sluice.nn.Activation;
import dev.sluice.nn.Embedding;
import dev.sluice.nn.Generation;
import dev.sluice.nn.MLP;
import dev.sluice.nn.Module;
import dev.sluice.nn.ResponseScores;
import dev.sluice.nn.Sampler;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.util.Arrays;

/**
 * The toy's policy (papers.md §3.5): embeddings of the instruction (3×16) and of a and b (one shared 11×16 table),
 * concatenated (48) → 128 ReLU → 128 ReLU → 12 logits over the one response token {0..10, HACK}. Prompts are
 * [instruction token, a, b] in {@link ToyTask}'s vocabulary.
 */
public final class ToyPolicy extends Module implements Policy {
    private final Embedding instruction, number;
    private final MLP mlp;

    public ToyPolicy(Generator gen) {
        instruction = register("instruction", new Embedding(3, 16, gen));
        number = register("number", new Embedding(ToyTask.MODULUS, 16, gen));
        mlp = register("mlp", new MLP(new int[] {48, 128, 128, ToyTask.RESPONSES}, Activation.RELU, gen));
    }

    /** Logits [B, 12] for prompts [instruction, a, b]. */
    public Tensor logits(int[][] prompts) {
        int b = prompts.length;
        long[] c = new long[b], ab = new long[2 * b];
        for (int i = 0; i < b; i++) {
            int[] p = prompts[i];
            if (p.length != 3 || p[0] < ToyTask.NO_HACK || p[0] > ToyTask.HACK_OK || p[1] < 0 || p[1] >= ToyTask.MODULUS
                    || p[2] < 0 || p[2] >= ToyTask.MODULUS) {
                throw new IllegalArgumentException("ToyPolicy: prompt " + i + " must be [instruction 12..14, a 0..10, b 0..10], got " + Arrays.toString(p));
            }
            c[i] = p[0] - ToyTask.NO_HACK;
            ab[2 * i] = p[1];
            ab[2 * i + 1] = p[2];
        }
        Tensor x = Tensor.cat(1, instruction.forward(Tensor.of(c, b)), number.forward(Tensor.of(ab, b, 2)).reshape(b, 32));
        return mlp.forward(x);
    }

    @Override
    public int[][] sample(int[][] prompts, Generation.Config cfg, Generator[] gens) {
        float[] l;
        try (var ignored = dev.sluice.autograd.GradMode.noGrad()) {
            l = logits(prompts).toFloatArray();
        }
        int v = ToyTask.RESPONSES;
        int[][] out = new int[prompts.length][];
        for (int i = 0; i < prompts.length; i++) {
            out[i] = new int[] {Sampler.sample(Arrays.copyOfRange(l, i * v, (i + 1) * v), cfg.temperature(), cfg.topK(), gens[i])};
        }
        return out;
    }

    @Override
    public ResponseScores score(int[][] prompts, int[][] responses, boolean withEntropy) {
        for (int i = 0; i < responses.length; i++) {
            if (responses[i].length != 1) throw new IllegalArgumentException("ToyPolicy: response " + i + " must be one token, got " + responses[i].length);
        }
        return ResponseScores.fromLogits(logits(prompts).reshape(prompts.length, 1, ToyTask.RESPONSES), responses, withEntropy);
    }

    @Override
    public Policy frozenCopy() {
        ToyPolicy copy = deepCopy();
        copy.freeze();
        return copy;
    }
}
