package dev.sluice.text;

import java.text.Normalizer.Form;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/** The normalizers of tokenizer.json: NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Strip and Sequence. */
final class Normalizers {
    private Normalizers() {}

    /** The normalizer, or null for a JSON null. */
    static UnaryOperator<String> of(Object json, String path) {
        if (json == null) {
            return null;
        }
        Cfg c = Cfg.of(json, path);
        String type = c.type();
        return switch (type) {
            case "NFC" -> unicode(c, Form.NFC);
            case "NFD" -> unicode(c, Form.NFD);
            case "NFKC" -> unicode(c, Form.NFKC);
            case "NFKD" -> unicode(c, Form.NFKD);
            case "Lowercase" -> {
                c.allow("type");
                yield s -> s.toLowerCase(Locale.ROOT);
            }
            case "Prepend" -> {
                c.allow("type", "prepend");
                String prepend = c.string("prepend");
                yield s -> s.isEmpty() ? s : prepend + s;
            }
            case "Replace" -> {
                c.allow("type", "pattern", "content");
                TextPattern pattern = TextPattern.of(c, "pattern");
                String content = c.string("content");
                yield s -> pattern.replaceAll(s, content);
            }
            case "Strip" -> {
                c.allow("type", "strip_left", "strip_right");
                boolean left = c.bool("strip_left", false);
                boolean right = c.bool("strip_right", false);
                yield s -> Whitespace.strip(s, left, right);
            }
            case "Sequence" -> {
                c.allow("type", "normalizers");
                List<Cfg> parts = c.objects("normalizers");
                @SuppressWarnings("unchecked")
                UnaryOperator<String>[] ops = new UnaryOperator[parts.size()];
                for (int i = 0; i < ops.length; i++) {
                    ops[i] = of(parts.get(i).map, parts.get(i).path);
                }
                yield s -> {
                    for (UnaryOperator<String> op : ops) {
                        s = op.apply(s);
                    }
                    return s;
                };
            }
            default -> throw c.error("type", "unsupported normalizer");
        };
    }

    private static UnaryOperator<String> unicode(Cfg c, Form form) {
        c.allow("type");
        return s -> java.text.Normalizer.normalize(s, form);
    }
}
