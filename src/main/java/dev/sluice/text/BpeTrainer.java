package dev.sluice.text;

import dev.sluice.io.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * Trains a byte-level BPE tokenizer (GPT-2 / Llama 3 style) on texts and writes it as a Hugging Face
 * {@code tokenizer.json} that {@link Tokenizer} and the Hugging Face libraries load.
 *
 * <p>The vocabulary starts with the special tokens (ids 0, 1, ...), then the 256 byte tokens in byte order, then one
 * token per merge. Each step merges the most frequent adjacent pair over all pre-tokenized words; a tie goes to the
 * pair with the smaller (left id, right id), so training is deterministic: the same texts and settings give the same
 * file byte for byte.
 *
 * {@snippet :
 * String json = new BpeTrainer(2048)
 *         .preTokenizer(BpeTrainer.PreTokenizer.LLAMA3)
 *         .specialTokens(List.of("<|begin_of_text|>", "<|end_of_text|>"))
 *         .bosToken("<|begin_of_text|>")
 *         .train(texts);
 * Tokenizer tok = Tokenizer.fromJson(json);
 * }
 */
public final class BpeTrainer {
    /** Llama 3's pre-tokenizer regex (Oniguruma syntax, as tokenizer.json stores it). */
    public static final String LLAMA3_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
            + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** How text is split into words before merging (merges never cross a word boundary). */
    public enum PreTokenizer {
        /** GPT-2: the ByteLevel pre-tokenizer with its built-in regex. */
        GPT2,
        /** Llama 3: a Split with {@link #LLAMA3_REGEX} (digits in groups of at most three), then ByteLevel. */
        LLAMA3
    }

    private final int vocabSize;
    private int minFrequency = 2;
    private List<String> specialTokens = List.of();
    private PreTokenizer preTokenizer = PreTokenizer.LLAMA3;
    private String bosToken;

    /**
     * A trainer for a vocabulary of the given size.
     *
     * @param vocabSize the number of tokens, special and byte tokens included; training stops earlier when no pair
     *                  is frequent enough
     * @throws IllegalArgumentException if the size leaves no room for the 256 byte tokens
     */
    public BpeTrainer(int vocabSize) {
        if (vocabSize < 256) {
            throw new IllegalArgumentException("vocabSize must be at least 256, got " + vocabSize);
        }
        this.vocabSize = vocabSize;
    }

    /**
     * Sets the minimum count of a pair to be merged (default 2).
     *
     * @param count the minimum count, at least 1
     * @return this trainer
     * @throws IllegalArgumentException if count is below 1
     */
    public BpeTrainer minFrequency(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("minFrequency must be at least 1, got " + count);
        }
        this.minFrequency = count;
        return this;
    }

    /**
     * Sets the special tokens, which get ids 0, 1, ... in this order and are never split when encoding.
     *
     * @param tokens distinct non-empty strings
     * @return this trainer
     * @throws IllegalArgumentException if a token is empty or repeated
     */
    public BpeTrainer specialTokens(List<String> tokens) {
        if (new HashSet<>(tokens).size() != tokens.size() || tokens.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("special tokens must be distinct and non-empty: " + tokens);
        }
        this.specialTokens = List.copyOf(tokens);
        return this;
    }

    /**
     * Sets the pre-tokenizer (default {@link PreTokenizer#LLAMA3}).
     *
     * @param p the pre-tokenizer
     * @return this trainer
     */
    public BpeTrainer preTokenizer(PreTokenizer p) {
        this.preTokenizer = Objects.requireNonNull(p);
        return this;
    }

    /**
     * Makes encoding put this special token before the text (a TemplateProcessing post-processor, as Llama has).
     *
     * @param token one of the special tokens, or null for none (the default)
     * @return this trainer
     */
    public BpeTrainer bosToken(String token) {
        this.bosToken = token;
        return this;
    }

    /**
     * Trains on the texts.
     *
     * @param texts the training texts; each is pre-tokenized on its own
     * @return the tokenizer.json text (compact JSON)
     * @throws IllegalArgumentException if the BOS token is not one of the special tokens, or the special tokens and
     *                                  byte tokens alone exceed the vocabulary size
     */
    public String train(Iterable<String> texts) {
        if (bosToken != null && !specialTokens.contains(bosToken)) {
            throw new IllegalArgumentException("bosToken " + bosToken + " is not among the special tokens");
        }
        if (specialTokens.size() + 256 > vocabSize) {
            throw new IllegalArgumentException("vocabSize " + vocabSize + " has no room for the special and byte tokens");
        }
        Map<String, Object> preTok = preTokenizerJson();
        PreTokenizers.PreTokenizer split = PreTokenizers.of(preTok, "pre_tokenizer");
        Map<String, long[]> counts = new HashMap<>();
        for (String text : texts) {
            for (String w : split.apply(new ArrayList<>(List.of(text)), true)) {
                counts.computeIfAbsent(w, k -> new long[1])[0]++;
            }
        }
        List<String> vocab = new ArrayList<>(specialTokens);
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < vocab.size(); i++) {
            ids.put(vocab.get(i), i);
        }
        for (int b = 0; b < 256; b++) {
            String t = String.valueOf(ByteLevel.charOf(b));
            if (!ids.containsKey(t)) {
                ids.put(t, vocab.size());
                vocab.add(t);
            }
        }
        List<int[]> merges = merge(new TreeMap<>(counts), vocab, ids);
        return Json.write(tokenizerJson(preTok, vocab, merges));
    }

    private List<int[]> merge(TreeMap<String, long[]> wordCounts, List<String> vocab, Map<String, Integer> ids) {
        int n = wordCounts.size();
        int[][] words = new int[n][];
        long[] freq = new long[n];
        int w = 0;
        for (Map.Entry<String, long[]> e : wordCounts.entrySet()) {
            String s = e.getKey();
            words[w] = new int[s.length()];
            for (int i = 0; i < s.length(); i++) {
                words[w][i] = ids.get(String.valueOf(s.charAt(i)));
            }
            freq[w++] = e.getValue()[0];
        }
        Map<Long, long[]> pairCount = new HashMap<>();
        Map<Long, Set<Integer>> where = new HashMap<>();
        for (w = 0; w < n; w++) {
            for (int i = 0; i + 1 < words[w].length; i++) {
                long p = pair(words[w][i], words[w][i + 1]);
                pairCount.computeIfAbsent(p, k -> new long[1])[0] += freq[w];
                where.computeIfAbsent(p, k -> new HashSet<>()).add(w);
            }
        }
        // entries {count, pair}: most frequent first, then the smaller pair
        PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(b[0], a[0])
                : Long.compare(a[1], b[1]));
        pairCount.forEach((p, c) -> queue.add(new long[] {c[0], p}));
        List<int[]> merges = new ArrayList<>();
        while (vocab.size() < vocabSize && !queue.isEmpty()) {
            long[] top = queue.poll();
            long[] current = pairCount.get(top[1]);
            if (current == null || current[0] != top[0]) {
                continue; // stale
            }
            if (top[0] < minFrequency) {
                break;
            }
            int a = (int) (top[1] >>> 32);
            int b = (int) top[1];
            String merged = vocab.get(a) + vocab.get(b);
            Integer id = ids.get(merged);
            if (id == null) {
                id = vocab.size();
                vocab.add(merged);
                ids.put(merged, id);
            }
            merges.add(new int[] {a, b});
            Set<Long> touched = new HashSet<>();
            int[] affected = where.remove(top[1]).stream().mapToInt(Integer::intValue).sorted().toArray();
            for (int k : affected) {
                int[] old = words[k];
                for (int i = 0; i + 1 < old.length; i++) {
                    long p = pair(old[i], old[i + 1]);
                    pairCount.get(p)[0] -= freq[k];
                    touched.add(p);
                }
                int[] neu = new int[old.length];
                int m = 0;
                for (int i = 0; i < old.length; i++) {
                    if (i + 1 < old.length && old[i] == a && old[i + 1] == b) {
                        neu[m++] = id;
                        i++;
                    } else {
                        neu[m++] = old[i];
                    }
                }
                words[k] = neu = Arrays.copyOf(neu, m);
                for (int i = 0; i + 1 < m; i++) {
                    long p = pair(neu[i], neu[i + 1]);
                    pairCount.computeIfAbsent(p, q -> new long[1])[0] += freq[k];
                    where.computeIfAbsent(p, q -> new HashSet<>()).add(k);
                    touched.add(p);
                }
            }
            for (long p : touched) {
                long c = pairCount.get(p)[0];
                if (c <= 0) {
                    pairCount.remove(p);
                } else {
                    queue.add(new long[] {c, p});
                }
            }
            pairCount.remove(top[1]);
        }
        return merges;
    }

    /** A JSON object with its keys in the given order (Map.of's order differs between runs). */
    private static Map<String, Object> obj(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static long pair(int a, int b) {
        return (long) a << 32 | b;
    }

    private Map<String, Object> preTokenizerJson() {
        Map<String, Object> byteLevel = new LinkedHashMap<>();
        byteLevel.put("type", "ByteLevel");
        byteLevel.put("add_prefix_space", false);
        byteLevel.put("trim_offsets", true);
        byteLevel.put("use_regex", preTokenizer == PreTokenizer.GPT2);
        if (preTokenizer == PreTokenizer.GPT2) {
            return byteLevel;
        }
        Map<String, Object> split = new LinkedHashMap<>();
        split.put("type", "Split");
        split.put("pattern", Map.of("Regex", LLAMA3_REGEX));
        split.put("behavior", "Isolated");
        split.put("invert", false);
        Map<String, Object> seq = new LinkedHashMap<>();
        seq.put("type", "Sequence");
        seq.put("pretokenizers", List.of(split, byteLevel));
        return seq;
    }

    private Map<String, Object> tokenizerJson(Map<String, Object> preTok, List<String> vocab, List<int[]> merges) {
        List<Object> added = new ArrayList<>();
        for (int i = 0; i < specialTokens.size(); i++) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", i);
            t.put("content", specialTokens.get(i));
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
            added.add(t);
        }
        Map<String, Object> byteLevel = new LinkedHashMap<>();
        byteLevel.put("type", "ByteLevel");
        byteLevel.put("add_prefix_space", true);
        byteLevel.put("trim_offsets", false);
        byteLevel.put("use_regex", true);
        Object post = byteLevel;
        if (bosToken != null) {
            Map<String, Object> bos = Map.of("SpecialToken", obj("id", bosToken, "type_id", 0));
            Map<String, Object> template = new LinkedHashMap<>();
            template.put("type", "TemplateProcessing");
            template.put("single", List.of(bos, Map.of("Sequence", obj("id", "A", "type_id", 0))));
            template.put("pair", List.of(bos, Map.of("Sequence", obj("id", "A", "type_id", 0)),
                    Map.of("SpecialToken", obj("id", bosToken, "type_id", 1)),
                    Map.of("Sequence", obj("id", "B", "type_id", 1))));
            template.put("special_tokens", Map.of(bosToken, obj("id", bosToken,
                    "ids", List.of(specialTokens.indexOf(bosToken)), "tokens", List.of(bosToken))));
            post = obj("type", "Sequence", "processors", List.of(byteLevel, template));
        }
        Map<String, Object> decoder = new LinkedHashMap<>(byteLevel);
        decoder.put("trim_offsets", true);
        Map<String, Object> vocabJson = new LinkedHashMap<>();
        for (int i = 0; i < vocab.size(); i++) {
            vocabJson.putIfAbsent(vocab.get(i), i);
        }
        List<Object> mergeJson = new ArrayList<>(merges.size());
        for (int[] m : merges) {
            mergeJson.add(List.of(vocab.get(m[0]), vocab.get(m[1])));
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", null);
        model.put("continuing_subword_prefix", null);
        model.put("end_of_word_suffix", null);
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        model.put("vocab", vocabJson);
        model.put("merges", mergeJson);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "1.0");
        root.put("truncation", null);
        root.put("padding", null);
        root.put("added_tokens", added);
        root.put("normalizer", null);
        root.put("pre_tokenizer", preTok);
        root.put("post_processor", post);
        root.put("decoder", decoder);
        root.put("model", model);
        return root;
    }
}
