package dev.sluice.nn;

import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

/**
 * Multi-head causal self-attention: each position attends to itself and earlier positions only. Submodules:
 * {@code qkv} (Linear d → 3d, producing queries, keys and values), {@code proj} (Linear d → d), and dropouts on the
 * attention weights and the output.
 */
public final class CausalSelfAttention extends Module {
    private final int dModel, nHeads, headDim;
    private final Linear qkv, proj;
    private final Dropout attnDrop, residDrop;

    /**
     * Attention without dropout.
     *
     * @param dModel the model width d
     * @param nHeads the number of heads; must divide d
     * @param gen the source of the initial weights
     * @throws IllegalArgumentException if nHeads does not divide dModel
     */
    public CausalSelfAttention(int dModel, int nHeads, Generator gen) { this(dModel, nHeads, 0.0, gen); }

    /**
     * Attention with dropout on the attention weights and on the output.
     *
     * @param dModel the model width d
     * @param nHeads the number of heads; must divide d
     * @param dropout the dropout probability, in [0, 1]
     * @param gen the source of the initial weights and of dropout masks
     * @throws IllegalArgumentException if nHeads does not divide dModel or dropout is out of range
     */
    public CausalSelfAttention(int dModel, int nHeads, double dropout, Generator gen) {
        if (nHeads <= 0 || dModel % nHeads != 0) {
            throw new IllegalArgumentException("CausalSelfAttention: dModel " + dModel + " must be divisible by nHeads " + nHeads);
        }
        this.dModel = dModel;
        this.nHeads = nHeads;
        this.headDim = dModel / nHeads;
        qkv = register("qkv", new Linear(dModel, 3 * dModel, true, gen));
        proj = register("proj", new Linear(dModel, dModel, true, gen));
        attnDrop = register("attnDrop", new Dropout(dropout, gen));
        residDrop = register("residDrop", new Dropout(dropout, gen));
    }

    /**
     * Causal self-attention over a whole sequence.
     *
     * @param x the input [B, T, d]
     * @return the output [B, T, d]
     * @throws IllegalArgumentException if x is not [B, T, d]
     */
    @Override
    public Tensor forward(Tensor x) { return forward(x, null, 0); }

    /**
     * With a cache, x holds only the new positions; their keys and values are appended to the cache for {@code layer},
     * and the new queries attend to all cached positions (and causally among themselves).
     *
     * @param x the input at the new positions [B, Tnew, d]
     * @param cache the cache of earlier positions (extended in place), or null for a full pass
     * @param layer the slot of this layer in the cache
     * @return the output [B, Tnew, d]
     * @throws IllegalArgumentException if x is not [B, Tnew, d]
     */
    public Tensor forward(Tensor x, KVCache cache, int layer) { return forward(x, cache, layer, null); }

    /**
     * As {@link #forward(Tensor, KVCache, int)} with an explicit attention mask, which replaces the causal mask (so it
     * must include it). Used for left-padded batches (see {@link GPT#forward(Tensor, int[], KVCache)}).
     *
     * @param x the input at the new positions [B, Tnew, d]
     * @param cache the cache of earlier positions (extended in place), or null
     * @param layer the slot of this layer in the cache
     * @param mask bool, [B or 1, 1 or heads, Tnew, Tkeys], true where a query must not see a key; null for the plain
     * causal mask
     * @return the output [B, Tnew, d]
     * @throws IllegalArgumentException if x is not [B, Tnew, d] or the mask has the wrong dtype or shape
     */
    public Tensor forward(Tensor x, KVCache cache, int layer, Tensor mask) {
        if (x.dim() != 3 || x.size(2) != dModel) {
            throw new IllegalArgumentException("CausalSelfAttention: expected input [B, T, " + dModel + "], got "
                    + java.util.Arrays.toString(x.shape()));
        }
        int b = x.size(0), t = x.size(1);
        Tensor[] parts = qkv.forward(x).chunk(3, -1);
        Tensor q = heads(parts[0], b, t), k = heads(parts[1], b, t), v = heads(parts[2], b, t);
        if (cache != null) {
            Tensor[] kv = cache.append(layer, k, v);
            k = kv[0];
            v = kv[1];
        }
        Tensor w = mask == null ? causalWeights(q, k) : maskedWeights(q, k, mask);
        Tensor y = attnDrop.forward(w).matmul(v);  // [B, H, T, hd]
        y = y.transpose(1, 2).reshape(b, t, dModel);
        return residDrop.forward(proj.forward(y));
    }

    private Tensor heads(Tensor x, int b, int t) { return x.reshape(b, t, nHeads, headDim).transpose(1, 2); }

    /**
     * Softmax(q·kᵀ/√hd) with future keys masked out: q [.., Tq, hd], k [.., Tk, hd] → [.., Tq, Tk], where the Tq
     * queries are the last Tq of the Tk positions.
     */
    static Tensor causalWeights(Tensor q, Tensor k) {
        // scale q ([.., Tq, hd]) rather than the scores ([.., Tq, Tk]): the same product, a smaller pass
        Tensor att = q.mul(1 / Math.sqrt(q.size(-1))).matmul(k.transpose(-2, -1));
        return att.maskedSoftmax(causalMask(q.size(-2), k.size(-2)).to(att.device()), -1);
    }

    /** Softmax(q·kᵀ/√hd) with the keys where {@code mask} is true excluded. */
    static Tensor maskedWeights(Tensor q, Tensor k, Tensor mask) {
        Tensor att = q.mul(1 / Math.sqrt(q.size(-1))).matmul(k.transpose(-2, -1));
        int[] want = att.shape();
        int[] ms = mask.shape();
        boolean ok = mask.dtype() == dev.sluice.tensor.DType.BOOL && ms.length == 4 && (ms[0] == 1 || ms[0] == want[0])
                && (ms[1] == 1 || ms[1] == want[1]) && ms[2] == want[2] && ms[3] == want[3];
        if (!ok) {
            throw new IllegalArgumentException("CausalSelfAttention: attention mask must be bool [B or 1, 1 or heads, "
                    + want[2] + ", " + want[3] + "] for scores " + java.util.Arrays.toString(want) + ", got "
                    + mask.dtype() + " " + java.util.Arrays.toString(ms));
        }
        return att.maskedSoftmax(mask, -1);
    }

    /** True where query i (the last tq of tk positions) must not see key j: j > i + (tk − tq). */
    static Tensor causalMask(int tq, int tk) {
        boolean[] m = new boolean[tq * tk];
        int offset = tk - tq;
        for (int i = 0; i < tq; i++) {
            for (int j = i + offset + 1; j < tk; j++) m[i * tk + j] = true;
        }
        return Tensor.of(m, tq, tk);
    }

    /**
     * The number of heads.
     *
     * @return the head count; each head has d / nHeads dimensions
     */
    public int nHeads() { return nHeads; }
}
