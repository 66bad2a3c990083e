package dev.sluice.models;

import dev.sluice.nn.Dropout;
import dev.sluice.tensor.Tensor;

/** Causal scaled dot-product attention with grouped-query heads, shared by the model families. */
final class Attention {
    private Attention() {}

    /**
     * softmax(q·kᵀ·scale, causal) · v. q [B, Hq, T, hd] are the last T of Tk positions; k, v [B, Hkv, Tk, hd] with Hkv
     * dividing Hq: kv head j serves query heads j·r .. j·r + r − 1 (r = Hq / Hkv). The query heads of a group are
     * stacked along the rows ([B, Hkv, r·T, hd]) so keys and values are never repeated in memory.
     */
    static Tensor attend(Tensor q, Tensor k, Tensor v, double scale, Dropout dropout) {
        int b = q.size(0), hq = q.size(1), t = q.size(2), hd = q.size(3);
        int hkv = k.size(1), tk = k.size(2);
        if (hq % hkv != 0) throw new IllegalArgumentException("attention: " + hkv + " key/value heads do not divide " + hq + " query heads");
        int rep = hq / hkv;
        Tensor qg = rep == 1 ? q : q.reshape(b, hkv, rep * t, hd);
        Tensor scores = qg.matmul(k.transpose(-2, -1)).mul(scale);               // [B, Hkv, r·T, Tk]
        Tensor w = scores.maskedFill(causalMask(rep, t, tk).to(q.device()), Double.NEGATIVE_INFINITY).softmax(-1);
        if (dropout != null) w = dropout.forward(w);
        Tensor y = w.matmul(v);                                                  // [B, Hkv, r·T, hd]
        return rep == 1 ? y : y.reshape(b, hq, t, hd);
    }

    /** [rep·T, Tk], true where row (query t = row mod T, the last T of Tk positions) must not see key j. */
    static Tensor causalMask(int rep, int t, int tk) {
        boolean[] m = new boolean[rep * t * tk];
        int offset = tk - t;
        for (int r = 0; r < rep * t; r++) {
            int i = r % t;
            for (int j = i + offset + 1; j < tk; j++) m[r * tk + j] = true;
        }
        return Tensor.of(m, rep * t, tk);
    }

    /** [B, T, H·hd] → [B, H, T, hd]. */
    static Tensor heads(Tensor x, int heads, int hd) {
        return x.reshape(x.size(0), x.size(1), heads, hd).transpose(1, 2);
    }

    /** [B, H, T, hd] → [B, T, H·hd]. */
    static Tensor merge(Tensor y) {
        return y.transpose(1, 2).reshape(y.size(0), y.size(2), y.size(1) * y.size(3));
    }
}
