package dev.sluice.experiments.undo;

import dev.sluice.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * The UNDO toy task (papers.md §2.5): all pairs (a, b) ∈ Z_p² for two operations, as input tokens (a, op, b) with
 * vocabulary {0..p−1, ADD = p, MUL = p+1} and target class c ∈ Z_p. Retain = addition, forget = multiplication.
 */
public final class ModularArithmetic {
    /** Inputs [n, 3] int64 and targets [n] int64. */
    public record Split(Tensor inputs, Tensor targets) {
        public int size() { return inputs.size(0); }

        /** Rows picked by index (with repetition allowed). */
        public Split rows(long[] index) {
            Tensor i = Tensor.of(index, index.length).to(inputs.device());
            return new Split(inputs.indexSelect(0, i), targets.indexSelect(0, i));
        }

        /** A batch of {@code n} rows drawn uniformly with replacement. */
        public Split sample(int n, SplittableRandom rng) {
            long[] idx = new long[n];
            for (int i = 0; i < n; i++) idx[i] = rng.nextInt(size());
            return rows(idx);
        }

        /** The split on a device. */
        public Split to(dev.sluice.tensor.Device device) { return new Split(inputs.to(device), targets.to(device)); }

        /** Both splits' rows, this one first. */
        public Split concat(Split other) {
            return new Split(Tensor.cat(0, inputs, other.inputs), Tensor.cat(0, targets, other.targets));
        }
    }

    private final int p;

    public ModularArithmetic(int modulus) {
        if (modulus < 2 || modulus > 1000) throw new IllegalArgumentException("modulus must be in [2, 1000], got " + modulus);
        this.p = modulus;
    }

    public int modulus() { return p; }

    /** Token id of the ADD operator. */
    public int add() { return p; }

    /** Token id of the MUL operator. */
    public int mul() { return p + 1; }

    /** Input vocabulary size (numbers and the two operators). */
    public int vocabSize() { return p + 2; }

    /** All p² addition pairs (the retain task). */
    public Split addition() { return all(false); }

    /** All p² multiplication pairs (the forget task). */
    public Split multiplication() { return all(true); }

    private Split all(boolean multiply) {
        long[] in = new long[p * p * 3], out = new long[p * p];
        for (int a = 0; a < p; a++) {
            for (int b = 0; b < p; b++) {
                int i = a * p + b;
                in[3 * i] = a;
                in[3 * i + 1] = multiply ? mul() : add();
                in[3 * i + 2] = b;
                out[i] = multiply ? ((long) a * b) % p : (a + b) % p;
            }
        }
        return new Split(Tensor.of(in, p * p, 3), Tensor.of(out, p * p));
    }

    /** A seeded random partition of a split: the first {@code fraction} of a shuffled order, and the rest. */
    public static Split[] partition(Split s, double fraction, long seed) {
        int n = s.size(), k = (int) Math.round(fraction * n);
        long[] order = new long[n];
        for (int i = 0; i < n; i++) order[i] = i;
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            long t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return new Split[] {s.rows(java.util.Arrays.copyOfRange(order, 0, k)), s.rows(java.util.Arrays.copyOfRange(order, k, n))};
    }
}
