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
    static Tensor attend(Tensor q, Tensor k, Tensor v, double scale, Dropout dropout) { return attend(q, k, v, scale, dropout, null); }

    /**
     * As {@link #attend(Tensor, Tensor, Tensor, double, Dropout)} with an explicit mask: bool [B, 1, r·T, Tk] (rows as
     * the grouped scores, see {@link #paddedMask}), true where a query must not see a key; null for the causal mask.
     */
    static Tensor attend(Tensor q, Tensor k, Tensor v, double scale, Dropout dropout, Tensor mask) {
        int b = q.size(0), hq = q.size(1), t = q.size(2), hd = q.size(3);
        int hkv = k.size(1), tk = k.size(2);
        if (hq % hkv != 0) throw new IllegalArgumentException("attention: " + hkv + " key/value heads do not divide " + hq + " query heads");
        int rep = hq / hkv;
        Tensor qg = rep == 1 ? q : q.reshape(b, hkv, rep * t, hd);
        Tensor scores = qg.matmul(k.transpose(-2, -1)).mul(scale);               // [B, Hkv, r·T, Tk]
        Tensor m = mask != null ? mask : causalMask(rep, t, tk).to(q.device());
        Tensor w = scores.maskedSoftmax(m, -1);
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

    /**
     * The mask of a left-padded batch, [B, 1, rep·T, Tk] with Tk = start + T: row r·T + i of batch row b (query column
     * start + i) must not see later keys, nor row b's padding keys (columns below {@code leftPad[b]}) except itself
     * (a padding query sees only itself, which keeps its softmax finite; its output is never used).
     */
    static Tensor paddedMask(int[] leftPad, int start, int t, int rep) {
        int b = leftPad.length, tk = start + t;
        boolean[] m = new boolean[b * rep * t * tk];
        for (int r = 0; r < b; r++) {
            for (int row = 0; row < rep * t; row++) {
                int col = start + row % t;
                int base = (r * rep * t + row) * tk;
                for (int j = 0; j < tk; j++) m[base + j] = j > col || (j < leftPad[r] && j != col);
            }
        }
        return Tensor.of(m, b, 1, rep * t, tk);
    }

    /**
     * Checks a left padding for a batch of b rows whose cache holds {@code start} columns and gets t new ones; records
     * or checks it in the cache. Returns true when some row is padded.
     */
    static boolean checkPadding(String who, int[] leftPad, int b, int start, int t, dev.sluice.nn.KVCache cache) {
        boolean padded = false;
        if (leftPad != null) {
            if (leftPad.length != b) {
                throw new IllegalArgumentException(who + ": leftPad has " + leftPad.length + " entries for a batch of " + b + " rows");
            }
            for (int p : leftPad) {
                if (p < 0 || p >= start + t) {
                    throw new IllegalArgumentException(who + ": leftPad " + p + " outside [0, " + (start + t) + "): every row needs a real token");
                }
                padded |= p > 0;
            }
        }
        if (cache != null) cache.useLeftPad(padded ? leftPad : null);
        return padded;
    }

    /** Per-row positions [B·T] of the new columns start .. start+T−1: column − leftPad, 0 on padding. */
    static long[] positions(int[] leftPad, int b, int start, int t) {
        long[] pos = new long[b * t];
        for (int r = 0; r < b; r++) for (int i = 0; i < t; i++) pos[r * t + i] = Math.max(0, start + i - leftPad[r]);
        return pos;
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
