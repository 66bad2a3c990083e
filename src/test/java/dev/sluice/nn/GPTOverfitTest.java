package dev.sluice.nn;

import dev.sluice.optim.AdamW;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** End to end: a tiny GPT memorises four sequences, then greedy generation from each first token replays it. */
class GPTOverfitTest {
    private static final int[][] SEQS = {
            {1, 5, 2, 8, 3, 3, 9, 0, 4, 11},
            {2, 7, 7, 1, 10, 6, 5, 5, 0, 3},
            {3, 0, 9, 9, 8, 2, 11, 1, 6, 4},
            {4, 11, 10, 3, 1, 2, 8, 7, 6, 9},
    };

    @Test
    void memorisesSequencesAndRegeneratesThem() {
        GPT gpt = new GPT(new GPT.Config(12, 16, 32, 2, 2, 0.0), new Generator(2024));
        int b = SEQS.length, t = SEQS[0].length - 1;
        long[] in = new long[b * t], out = new long[b * t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                in[i * t + j] = SEQS[i][j];
                out[i * t + j] = SEQS[i][j + 1];
            }
        }
        Tensor inputs = Tensor.of(in, b, t), targets = Tensor.of(out, b, t);
        AdamW opt = new AdamW(gpt.parameters(), 1e-2, 0.9, 0.99, 1e-8, 0.0);
        double loss = Double.NaN;
        int steps = 0;
        for (; steps < 300 && !(loss < 0.02); steps++) {
            opt.zeroGrad();
            Tensor l = Losses.crossEntropy(gpt.forward(inputs), targets);
            l.backward();
            opt.step();
            loss = l.item();
        }
        System.out.println("GPT overfit: loss " + loss + " after " + steps + " steps");
        assertTrue(loss < 0.05, "final loss " + loss);
        for (int[] seq : SEQS) {
            assertArrayEquals(seq, gpt.generate(new int[] {seq[0]}, seq.length - 1, 0, 0, null));
        }
    }
}
