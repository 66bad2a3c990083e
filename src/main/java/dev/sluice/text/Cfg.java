package dev.sluice.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One JSON object of a tokenizer.json with its path, for typed reads and errors that name the path. */
final class Cfg {
    final Map<?, ?> map;
    final String path;

    private Cfg(Map<?, ?> map, String path) {
        this.map = map;
        this.path = path;
    }

    static Cfg of(Object value, String path) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new TokenizerFormatException("tokenizer.json: " + path + " must be an object, found " + show(value));
        }
        return new Cfg(m, path);
    }

    String at(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    TokenizerFormatException error(String key, String message) {
        return new TokenizerFormatException("tokenizer.json: " + at(key) + " = " + show(map.get(key)) + ": " + message);
    }

    /** Fails on any key not listed: an unknown flag is never ignored. */
    Cfg allow(String... keys) {
        Set<String> known = new HashSet<>(Arrays.asList(keys));
        for (Object k : map.keySet()) {
            if (!known.contains(k)) {
                throw new TokenizerFormatException("tokenizer.json: " + at(String.valueOf(k)) + " = "
                        + show(map.get(k)) + ": unsupported field (supported here: " + String.join(", ", keys) + ")");
            }
        }
        return this;
    }

    boolean has(String key) {
        return map.get(key) != null;
    }

    Object raw(String key) {
        return map.get(key);
    }

    String type() {
        return string("type");
    }

    String string(String key) {
        Object v = map.get(key);
        if (!(v instanceof String s)) {
            throw error(key, "expected a string");
        }
        return s;
    }

    String optString(String key, String absent) {
        Object v = map.get(key);
        if (v == null) {
            return absent;
        }
        return string(key);
    }

    boolean bool(String key, boolean absent) {
        Object v = map.get(key);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof Boolean b)) {
            throw error(key, "expected true or false");
        }
        return b;
    }

    int integer(String key, int absent) {
        Object v = map.get(key);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof Long l) || l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw error(key, "expected an integer");
        }
        return (int) (long) l;
    }

    Cfg obj(String key) {
        return of(map.get(key), at(key));
    }

    List<?> list(String key) {
        Object v = map.get(key);
        if (!(v instanceof List<?> l)) {
            throw error(key, "expected an array");
        }
        return l;
    }

    List<Cfg> objects(String key) {
        List<?> l = list(key);
        List<Cfg> out = new ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) {
            out.add(of(l.get(i), at(key) + "[" + i + "]"));
        }
        return out;
    }

    /** Requires the value to be absent, null, or one of the given harmless values. */
    void requireNullOr(String key, Object... accepted) {
        Object v = map.get(key);
        if (v == null) {
            return;
        }
        for (Object a : accepted) {
            if (a.equals(v)) {
                return;
            }
        }
        throw error(key, "unsupported value");
    }

    static String show(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return '"' + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + '"';
        }
        if (v instanceof Map<?, ?> m) {
            Object t = m.get("type");
            return t != null ? "{type: " + show(t) + ", ...}" : "{...}";
        }
        if (v instanceof List<?> l) {
            return "[" + l.size() + " items]";
        }
        return String.valueOf(v);
    }
}
