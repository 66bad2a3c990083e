package dev.sluice.text;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The BPE model of tokenizer.json: vocabulary, ranked merges, byte fallback, unknown token. Merging follows the Rust
 * and JavaScript implementations: repeatedly merge the adjacent pair of lowest rank, the leftmost one on a tie.
 */
final class BpeModel {
    private static final int UNKNOWN = -1;
    private static final int DELETED = -2;
    private static final int CACHE_LIMIT = 20_000;

    final Map<String, Integer> vocab;
    final String[] idToToken;
    private final PairTable merges;
    final int unkId;
    private final boolean byteFallback;
    private final boolean fuseUnk;
    private final boolean ignoreMerges;
    private final int[] byteIds;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    BpeModel(Cfg c) {
        c.allow("type", "dropout", "unk_token", "continuing_subword_prefix", "end_of_word_suffix", "fuse_unk",
                "byte_fallback", "ignore_merges", "vocab", "merges");
        if (c.has("type") && !c.type().equals("BPE")) {
            throw c.error("type", "unsupported model (only BPE)");
        }
        if (c.has("dropout") && !(c.raw("dropout") instanceof Number d && d.doubleValue() == 0.0)) {
            throw c.error("dropout", "unsupported value (only null or 0: encoding must be deterministic)");
        }
        c.requireNullOr("continuing_subword_prefix", "");
        c.requireNullOr("end_of_word_suffix", "");
        Cfg v = c.obj("vocab");
        vocab = new HashMap<>(v.map.size() * 2);
        int maxId = -1;
        for (Map.Entry<?, ?> e : v.map.entrySet()) {
            if (!(e.getValue() instanceof Long id) || id < 0 || id > Integer.MAX_VALUE - 8) {
                throw v.error(String.valueOf(e.getKey()), "expected a non-negative integer id");
            }
            vocab.put((String) e.getKey(), (int) (long) id);
            maxId = Math.max(maxId, (int) (long) id);
        }
        idToToken = new String[maxId + 1];
        vocab.forEach((t, id) -> idToToken[id] = t);
        List<?> list = c.list("merges");
        merges = new PairTable(list.size());
        for (int i = 0; i < list.size(); i++) {
            String left;
            String right;
            Object m = list.get(i);
            if (m instanceof String s) {
                int sp = s.indexOf(' ');
                if (sp < 0 || s.indexOf(' ', sp + 1) >= 0) {
                    throw mergeError(c, i, m, "expected \"left right\"");
                }
                left = s.substring(0, sp);
                right = s.substring(sp + 1);
            } else if (m instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof String a
                    && pair.get(1) instanceof String b) {
                left = a;
                right = b;
            } else {
                throw mergeError(c, i, m, "expected \"left right\" or [left, right]");
            }
            Integer l = vocab.get(left);
            Integer r = vocab.get(right);
            Integer merged = vocab.get(left + right);
            if (l == null || r == null || merged == null) {
                throw mergeError(c, i, m, "a part or the merged token is not in model.vocab");
            }
            merges.put(l, r, i, merged); // a repeated pair takes its last rank, as in Rust and JavaScript
        }
        String unk = c.optString("unk_token", null);
        if (unk != null && !vocab.containsKey(unk)) {
            throw c.error("unk_token", "not in model.vocab");
        }
        unkId = unk == null ? -1 : vocab.get(unk);
        byteFallback = c.bool("byte_fallback", false);
        fuseUnk = c.bool("fuse_unk", false);
        ignoreMerges = c.bool("ignore_merges", false);
        byteIds = new int[256];
        for (int b = 0; b < 256; b++) {
            byteIds[b] = vocab.getOrDefault(String.format("<0x%02X>", b), -1);
        }
    }

    private static TokenizerFormatException mergeError(Cfg c, int i, Object m, String why) {
        return new TokenizerFormatException(
                "tokenizer.json: " + c.at("merges") + "[" + i + "] = " + Cfg.show(m) + ": " + why);
    }

    /** Appends the ids of one pre-token. */
    void encode(String word, IntList out) {
        if (word.isEmpty()) {
            return;
        }
        if (ignoreMerges) {
            Integer id = vocab.get(word);
            if (id != null) {
                out.add(id);
                return;
            }
        }
        int[] ids = cache.get(word);
        if (ids == null) {
            ids = merge(word);
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear();
            }
            if (word.length() < 256) {
                cache.put(word, ids);
            }
        }
        for (int id : ids) {
            if (fuseUnk && id == unkId && out.size() > 0 && out.last() == unkId) {
                continue;
            }
            out.add(id);
        }
    }

    private int[] merge(String word) {
        int n = word.codePointCount(0, word.length());
        int[] ids = new int[n];
        String[] unknown = null;
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0, pos = 0; i < n; i++) {
            int cp = word.codePointAt(pos);
            int len = Character.charCount(cp);
            String ch = word.substring(pos, pos + len);
            pos += len;
            Integer id = vocab.get(ch);
            if (id == null) {
                if (unknown == null) {
                    unknown = new String[n];
                }
                unknown[i] = ch;
                ids[i] = UNKNOWN;
            } else {
                ids[i] = id;
            }
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            push(heap, ids, i, i + 1);
        }
        while (!heap.isEmpty()) {
            long top = heap.pop();
            int pos = (int) top;
            int rank = (int) (top >>> 32);
            int j = next[pos];
            if (ids[pos] < 0 || j < 0 || ids[j] < 0) {
                continue;
            }
            long m = merges.get(ids[pos], ids[j]);
            if (m < 0 || (int) (m >>> 32) != rank) {
                continue; // stale entry: a neighbour has merged since
            }
            ids[pos] = (int) m;
            ids[j] = DELETED;
            next[pos] = next[j];
            if (next[j] >= 0) {
                prev[next[j]] = pos;
            }
            if (prev[pos] >= 0) {
                push(heap, ids, prev[pos], pos);
            }
            if (next[pos] >= 0) {
                push(heap, ids, pos, next[pos]);
            }
        }
        IntList out = new IntList(n);
        for (int i = 0; i >= 0; i = next[i]) {
            if (ids[i] != UNKNOWN) {
                out.add(ids[i]);
            } else {
                fallback(unknown[i], out);
            }
        }
        return out.toArray();
    }

    private void fallback(String ch, IntList out) {
        if (byteFallback) {
            byte[] bytes = ByteLevel.utf8(ch);
            boolean all = true;
            for (byte b : bytes) {
                all &= byteIds[b & 0xFF] >= 0;
            }
            if (all) {
                for (byte b : bytes) {
                    out.add(byteIds[b & 0xFF]);
                }
                return;
            }
        }
        if (unkId >= 0) {
            out.add(unkId);
        }
        // no unk_token and no byte fallback: the character is dropped, as the reference implementation does
    }

    private void push(LongHeap heap, int[] ids, int left, int right) {
        if (ids[left] < 0 || ids[right] < 0) {
            return;
        }
        long m = merges.get(ids[left], ids[right]);
        if (m >= 0) {
            heap.push((m >>> 32) << 32 | left);
        }
    }
}
