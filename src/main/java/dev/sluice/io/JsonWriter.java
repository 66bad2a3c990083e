package dev.sluice.io;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/** Serialises Java values to JSON text; see {@link Json} for the accepted types. */
final class JsonWriter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out = new StringBuilder();
    private final boolean pretty;
    private final boolean nonFiniteAsNull;

    private JsonWriter(boolean pretty, boolean nonFiniteAsNull) {
        this.pretty = pretty;
        this.nonFiniteAsNull = nonFiniteAsNull;
    }

    static String write(Object value, boolean pretty) { return write(value, pretty, false); }

    /** With {@code nonFiniteAsNull}, NaN and infinities are written as {@code null}; otherwise they are an error. */
    static String write(Object value, boolean pretty, boolean nonFiniteAsNull) {
        JsonWriter w = new JsonWriter(pretty, nonFiniteAsNull);
        w.value(value, 0);
        return w.out.toString();
    }

    /** Whether a value holds a NaN or infinite double or float anywhere (maps, iterables, arrays). */
    static boolean containsNonFinite(Object v) {
        if (v instanceof Double || v instanceof Float) return !Double.isFinite(((Number) v).doubleValue());
        if (v instanceof Map<?, ?> m) {
            for (Object e : m.values()) if (containsNonFinite(e)) return true;
        } else if (v instanceof Iterable<?> it) {
            for (Object e : it) if (containsNonFinite(e)) return true;
        } else if (v != null && v.getClass().isArray()) {
            int n = Array.getLength(v);
            for (int i = 0; i < n; i++) if (containsNonFinite(Array.get(v, i))) return true;
        }
        return false;
    }

    private void value(Object v, int depth) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof CharSequence s) {
            string(s);
        } else if (v instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            // JSON has no NaN or infinity; writing them would produce a file no strict reader accepts
            if (!Double.isFinite(d)) {
                if (!nonFiniteAsNull) throw new IllegalArgumentException("JSON cannot represent the number " + d);
                out.append("null");
            } else {
                out.append(v instanceof Float f ? Float.toString(f) : Double.toString(d));
            }
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger || v instanceof BigDecimal) {
            out.append(v instanceof BigDecimal bd ? bd.toString() : v.toString());
        } else if (v instanceof Map<?, ?> m) {
            object(m, depth);
        } else if (v instanceof Iterable<?> it) {
            out.append('[');
            boolean first = true;
            for (Object e : it) {
                first = separator(first, depth + 1);
                value(e, depth + 1);
            }
            close(first, depth, ']');
        } else if (v.getClass().isArray()) {
            out.append('[');
            int n = Array.getLength(v);
            for (int i = 0; i < n; i++) {
                separator(i == 0, depth + 1);
                value(Array.get(v, i), depth + 1);
            }
            close(n == 0, depth, ']');
        } else {
            throw new IllegalArgumentException("JSON cannot represent a value of type " + v.getClass().getName());
        }
    }

    /**
     * An object's members in the map's own order when it has one (a {@link SequencedMap}: LinkedHashMap, TreeMap),
     * else sorted by key: {@code Map.of} and HashMap iterate in an order salted per JVM, and a results file must have
     * the same bytes whichever JVM wrote it (a sweep compares a row run on an executor with the same config run alone).
     */
    private void object(Map<?, ?> m, int depth) {
        List<Map.Entry<String, Object>> members = new ArrayList<>(m.size());
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new IllegalArgumentException("JSON object keys must be strings, got " + e.getKey());
            }
            members.add(new AbstractMap.SimpleImmutableEntry<>(key, e.getValue()));
        }
        if (!(m instanceof SequencedMap<?, ?>)) members.sort(Map.Entry.comparingByKey());
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : members) {
            first = separator(first, depth + 1);
            string(e.getKey());
            out.append(pretty ? ": " : ":");
            value(e.getValue(), depth + 1);
        }
        close(first, depth, '}');
    }

    /** Writes the comma (and newline when pretty) before an element; returns false, the new "first" flag. */
    private boolean separator(boolean first, int depth) {
        if (!first) out.append(',');
        if (pretty) newline(depth);
        return false;
    }

    private void close(boolean empty, int depth, char bracket) {
        if (pretty && !empty) newline(depth);
        out.append(bracket);
    }

    private void newline(int depth) {
        out.append('\n');
        out.append("  ".repeat(depth));
    }

    private void string(CharSequence s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else if (Character.isSurrogate(c) && !pairedSurrogate(s, i)) {
                        // A lone surrogate has no UTF-8 form and would silently become '?'; the escape round-trips
                        out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF])
                                .append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean pairedSurrogate(CharSequence s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
