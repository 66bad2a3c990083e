package dev.sluice.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The post-processors of tokenizer.json for single sequences: ByteLevel, TemplateProcessing and Sequence. */
final class PostProcessors {
    /** Adds the special tokens around one encoded sequence. */
    interface PostProcessor {
        /**
         * The final ids.
         *
         * @param ids        the encoded text
         * @param addSpecial whether to add the template's special tokens
         * @return the ids with the special tokens in place
         */
        int[] process(int[] ids, boolean addSpecial);

        /** The special-token ids the single-sequence template puts before the text (none by default). */
        default int[] before() {
            return new int[0];
        }

        /** The special-token ids the single-sequence template puts after the text (none by default). */
        default int[] after() {
            return new int[0];
        }
    }

    private PostProcessors() {}

    static PostProcessor of(Object json, String path) {
        if (json == null) {
            return null;
        }
        Cfg c = Cfg.of(json, path);
        return switch (c.type()) {
            case "ByteLevel" -> {
                c.allow("type", "add_prefix_space", "trim_offsets", "use_regex");
                yield (ids, addSpecial) -> ids;
            }
            case "TemplateProcessing" -> template(c);
            case "Sequence" -> {
                c.allow("type", "processors");
                List<PostProcessor> steps = new ArrayList<>();
                for (Cfg p : c.objects("processors")) {
                    steps.add(of(p.map, p.path));
                }
                yield new PostProcessor() {
                    @Override
                    public int[] process(int[] ids, boolean addSpecial) {
                        for (PostProcessor p : steps) {
                            ids = p.process(ids, addSpecial);
                        }
                        return ids;
                    }

                    @Override
                    public int[] before() {
                        IntList all = new IntList(4);
                        steps.forEach(p -> all.addAll(p.before()));
                        return all.toArray();
                    }

                    @Override
                    public int[] after() {
                        IntList all = new IntList(4);
                        steps.forEach(p -> all.addAll(p.after()));
                        return all.toArray();
                    }
                };
            }
            default -> throw c.error("type", "unsupported post-processor");
        };
    }

    private static PostProcessor template(Cfg c) {
        c.allow("type", "single", "pair", "special_tokens");
        Map<String, int[]> specials = new HashMap<>();
        Cfg st = c.obj("special_tokens");
        for (Object key : st.map.keySet()) {
            Cfg s = st.obj((String) key);
            s.allow("id", "ids", "tokens");
            List<?> ids = s.list("ids");
            int[] a = new int[ids.size()];
            for (int i = 0; i < a.length; i++) {
                if (!(ids.get(i) instanceof Long l)) {
                    throw s.error("ids", "expected integers");
                }
                a[i] = (int) (long) l;
            }
            specials.put((String) key, a);
        }
        IntList before = new IntList(2);
        IntList after = new IntList(2);
        boolean seenA = false;
        List<Cfg> single = c.objects("single");
        for (Cfg piece : single) {
            if (piece.has("SpecialToken")) {
                piece.allow("SpecialToken");
                Cfg sp = piece.obj("SpecialToken");
                sp.allow("id", "type_id");
                int[] ids = specials.get(sp.string("id"));
                if (ids == null) {
                    throw sp.error("id", "not in special_tokens");
                }
                (seenA ? after : before).addAll(ids);
            } else if (piece.has("Sequence")) {
                piece.allow("Sequence");
                Cfg seq = piece.obj("Sequence");
                seq.allow("id", "type_id");
                if (!seq.string("id").equals("A") || seenA) {
                    throw seq.error("id", "the single template must hold sequence A exactly once");
                }
                seenA = true;
            } else {
                throw new TokenizerFormatException("tokenizer.json: " + piece.path
                        + ": expected {SpecialToken: ...} or {Sequence: ...}");
            }
        }
        if (!seenA) {
            throw c.error("single", "the template has no sequence A");
        }
        c.list("pair"); // pairs of sequences are not encoded here; the field must still be well formed
        int[] pre = before.toArray();
        int[] post = after.toArray();
        return new PostProcessor() {
            @Override
            public int[] process(int[] ids, boolean addSpecial) {
                if (!addSpecial) {
                    return ids;
                }
                int[] out = new int[pre.length + ids.length + post.length];
                System.arraycopy(pre, 0, out, 0, pre.length);
                System.arraycopy(ids, 0, out, pre.length, ids.length);
                System.arraycopy(post, 0, out, pre.length + ids.length, post.length);
                return out;
            }

            @Override
            public int[] before() {
                return pre;
            }

            @Override
            public int[] after() {
                return post;
            }
        };
    }
}
