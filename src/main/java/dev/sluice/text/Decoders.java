package dev.sluice.text;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The decoders of tokenizer.json: ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip and Sequence. */
final class Decoders {
    /** Turns token strings into text pieces. */
    interface Decoder {
        /**
         * One decoding step.
         *
         * @param tokens token strings, or pieces from the previous step
         * @return the pieces after this step
         */
        List<String> decodeChain(List<String> tokens);
    }

    private Decoders() {}

    /**
     * The decoder, or null for a JSON null.
     *
     * @param added the contents of the added tokens, which the ByteLevel decoder passes through unchanged
     */
    static Decoder of(Object json, String path, Set<String> added) {
        if (json == null) {
            return null;
        }
        Cfg c = Cfg.of(json, path);
        return switch (c.type()) {
            case "ByteLevel" -> {
                c.allow("type", "add_prefix_space", "trim_offsets", "use_regex");
                yield tokens -> byteLevel(tokens, added);
            }
            case "Metaspace" -> {
                c.allow("type", "replacement", "prepend_scheme", "split", "add_prefix_space", "str_rep");
                String replacement = c.optString("replacement", "\u2581");
                String scheme = c.has("prepend_scheme") ? c.string("prepend_scheme")
                        : c.bool("add_prefix_space", true) ? "always" : "never";
                boolean strip = !scheme.equals("never");
                yield tokens -> {
                    List<String> out = new ArrayList<>(tokens.size());
                    for (int i = 0; i < tokens.size(); i++) {
                        String t = tokens.get(i).replace(replacement, " ");
                        out.add(i == 0 && strip && t.startsWith(" ") ? t.substring(1) : t);
                    }
                    return out;
                };
            }
            case "Replace" -> {
                c.allow("type", "pattern", "content");
                TextPattern pattern = TextPattern.of(c, "pattern");
                String content = c.string("content");
                yield tokens -> tokens.stream().map(t -> pattern.replaceAll(t, content)).toList();
            }
            case "ByteFallback" -> {
                c.allow("type");
                yield Decoders::byteFallback;
            }
            case "Fuse" -> {
                c.allow("type");
                yield tokens -> List.of(String.join("", tokens));
            }
            case "Strip" -> {
                c.allow("type", "content", "start", "stop");
                String content = c.string("content");
                if (content.codePointCount(0, content.length()) != 1) {
                    throw c.error("content", "expected one character");
                }
                int start = c.integer("start", 0);
                int stop = c.integer("stop", 0);
                yield tokens -> tokens.stream().map(t -> strip(t, content.codePointAt(0), start, stop)).toList();
            }
            case "Sequence" -> {
                c.allow("type", "decoders");
                List<Cfg> parts = c.objects("decoders");
                Decoder[] steps = new Decoder[parts.size()];
                for (int i = 0; i < steps.length; i++) {
                    steps[i] = of(parts.get(i).map, parts.get(i).path, added);
                }
                yield tokens -> {
                    for (Decoder d : steps) {
                        tokens = d.decodeChain(tokens);
                    }
                    return tokens;
                };
            }
            default -> throw c.error("type", "unsupported decoder");
        };
    }

    private static List<String> byteLevel(List<String> tokens, Set<String> added) {
        List<String> out = new ArrayList<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String t : tokens) {
            if (added.contains(t)) {
                flush(bytes, out);
                out.add(t);
                continue;
            }
            int before = bytes.size();
            boolean all = true;
            for (int i = 0; i < t.length() && all; i++) {
                int b = ByteLevel.byteOf(t.charAt(i));
                if (b < 0) {
                    all = false;
                } else {
                    bytes.write(b);
                }
            }
            if (!all) { // a character outside the byte map: the token's own UTF-8, as the Rust decoder does
                byte[] so = bytes.toByteArray();
                bytes.reset();
                bytes.write(so, 0, before);
                bytes.writeBytes(ByteLevel.utf8(t));
            }
        }
        flush(bytes, out);
        return out;
    }

    private static void flush(ByteArrayOutputStream bytes, List<String> out) {
        if (bytes.size() > 0) {
            out.add(ByteLevel.decodeUtf8(bytes.toByteArray(), bytes.size()));
            bytes.reset();
        }
    }

    private static List<String> byteFallback(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String t : tokens) {
            int b = byteToken(t);
            if (b >= 0) {
                bytes.write(b);
            } else {
                flush(bytes, out);
                out.add(t);
            }
        }
        flush(bytes, out);
        return out;
    }

    /** The byte of a {@code <0xAB>} token, or -1. */
    static int byteToken(String t) {
        if (t.length() != 6 || !t.startsWith("<0x") || t.charAt(5) != '>') {
            return -1;
        }
        int hi = Character.digit(t.charAt(3), 16);
        int lo = Character.digit(t.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    private static String strip(String t, int content, int start, int stop) {
        int[] cps = t.codePoints().toArray();
        int from = 0;
        for (int i = 0; i < start && i < cps.length && cps[i] == content; i++) {
            from = i + 1;
        }
        int to = cps.length;
        for (int i = 0; i < stop; i++) {
            int index = cps.length - i - 1;
            if (index < from || cps[index] != content) {
                break;
            }
            to = index;
        }
        return new String(cps, from, to - from);
    }
}
