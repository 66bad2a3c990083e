package dev.sluice.io;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Strict recursive-descent JSON parser; see {@link Json#parse(String)}. */
final class JsonParser {
    // Deep nesting would otherwise overflow the stack on hostile input
    private static final int MAX_DEPTH = 512;

    private final String s;
    private int pos;

    JsonParser(String s) { this.s = s; }

    Object parseDocument() {
        skipWhitespace();
        Object v = value(0);
        skipWhitespace();
        if (pos != s.length()) throw error("unexpected content after the JSON value");
        return v;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
        if (pos >= s.length()) throw error("unexpected end of input, expected a value");
        char c = s.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("unexpected character '" + c + "', expected a value");
            }
        };
    }

    private Map<String, Object> object(int depth) {
        pos++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') throw error("expected a string key");
            int keyPos = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object v = value(depth + 1);
            if (map.containsKey(key)) {
                throw new JsonParseException("duplicate key \"" + key + "\"", keyPos, key);
            }
            map.put(key, v);
            skipWhitespace();
            char c = next("',' or '}'");
            if (c == '}') return map;
            if (c != ',') throw error(pos - 1, "expected ',' or '}' but found '" + c + "'");
        }
    }

    private List<Object> array(int depth) {
        pos++; // '['
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return list;
        }
        while (true) {
            skipWhitespace();
            list.add(value(depth + 1));
            skipWhitespace();
            char c = next("',' or ']'");
            if (c == ']') return list;
            if (c != ',') throw error(pos - 1, "expected ',' or ']' but found '" + c + "'");
        }
    }

    private String string() {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length()) throw error("unterminated string");
            char c = s.charAt(pos++);
            if (c == '"') return sb.toString();
            if (c < 0x20) throw error(pos - 1, "unescaped control character in string");
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = next("an escape character");
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> sb.append(hex4());
                default -> throw error(pos - 1, "invalid escape '\\" + e + "'");
            }
        }
    }

    private char hex4() {
        if (pos + 4 > s.length()) throw error("truncated \\u escape");
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(s.charAt(pos + i), 16);
            if (d < 0) throw error(pos + i, "invalid hex digit in \\u escape");
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') pos++;
        if (peek() == '0') {
            pos++;
            if (Character.isDigit(peek())) throw error("leading zeros are not allowed");
        } else if (!digits()) {
            throw error("expected a digit");
        }
        boolean integral = true;
        if (peek() == '.') {
            pos++;
            integral = false;
            if (!digits()) throw error("expected a digit after the decimal point");
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            integral = false;
            if (peek() == '+' || peek() == '-') pos++;
            if (!digits()) throw error("expected a digit in the exponent");
        }
        String text = s.substring(start, pos);
        if (!integral) {
            double d = Double.parseDouble(text);
            if (Double.isInfinite(d)) throw error(start, "number " + text + " is out of the double range");
            return d;
        }
        BigInteger big = new BigInteger(text);
        return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }

    private boolean digits() {
        int start = pos;
        while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') pos++;
        return pos > start;
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, pos)) throw error("invalid literal, expected '" + word + "'");
        pos += word.length();
        return v;
    }

    private void skipWhitespace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            pos++;
        }
    }

    private char peek() { return pos < s.length() ? s.charAt(pos) : '\0'; }

    private char next(String expected) {
        if (pos >= s.length()) throw error("unexpected end of input, expected " + expected);
        return s.charAt(pos++);
    }

    private void expect(char c) {
        char got = next("'" + c + "'");
        if (got != c) throw error(pos - 1, "expected '" + c + "' but found '" + got + "'");
    }

    private JsonParseException error(String message) { return error(pos, message); }

    private JsonParseException error(int at, String message) { return new JsonParseException(message, at, null); }
}
