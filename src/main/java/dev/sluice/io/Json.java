package dev.sluice.io;

/**
 * A minimal, dependency-free JSON reader and writer, used for the safetensors header and for result files.
 *
 * <p>Writing accepts {@link java.util.Map} (String keys, written in the map's iteration order, so pass a
 * {@link java.util.LinkedHashMap} or {@link java.util.TreeMap} for a deterministic file), {@link Iterable}, Java arrays,
 * {@link CharSequence}, {@link Number}, {@link Boolean} and {@code null}. Output is compact and matches serde_json's
 * (the safetensors reference implementation): no spaces, non-ASCII left as UTF-8, only quotes, backslashes and control
 * characters escaped.
 *
 * <p>Parsing is strict RFC 8259: one value, no comments, no trailing commas, no leading zeros, no NaN, no duplicate
 * object keys. Objects become {@link java.util.LinkedHashMap} in file order, arrays {@link java.util.ArrayList},
 * integers {@link Long} (or {@link java.math.BigInteger} when they overflow a long), other numbers {@link Double}.
 */
public final class Json {
    private Json() {}

    /**
     * Compact JSON text for a value, like Python's {@code json.dumps(v, separators=(",", ":"), ensure_ascii=False)}.
     *
     * @param value a map, iterable, array, string, number, boolean or null, nested freely
     * @return the JSON text, without spaces or a trailing newline
     * @throws IllegalArgumentException if the value (or something nested in it) is of another type, a map key is not a
     * String, or a number is NaN or infinite
     */
    public static String write(Object value) {
        return JsonWriter.write(value, false);
    }

    /**
     * Indented JSON text (two spaces, one entry per line) for a value, convenient for human-read result files.
     *
     * @param value a map, iterable, array, string, number, boolean or null, nested freely
     * @return the indented JSON text
     * @throws IllegalArgumentException if the value (or something nested in it) cannot be written as JSON
     */
    public static String writePretty(Object value) {
        return JsonWriter.write(value, true);
    }

    /**
     * JSON text in which NaN and infinite numbers become {@code null} (the plain writers refuse them): for results of a
     * run that diverged, which are still worth keeping. Pair it with {@link #containsNonFinite} to say so in the file.
     *
     * @param value  maps, iterables, arrays, strings, numbers, booleans and nulls, nested in any way
     * @param pretty whether to indent (two spaces per level, one member per line)
     * @return the JSON text
     * @throws IllegalArgumentException if {@code value} holds something JSON cannot represent (another object type)
     */
    public static String writeNonFiniteAsNull(Object value, boolean pretty) {
        return JsonWriter.write(value, pretty, true);
    }

    /**
     * Whether a value holds a NaN or infinite double or float anywhere (in maps, iterables and arrays).
     *
     * @param value the value that would be written
     * @return true when {@link #write} would refuse it and {@link #writeNonFiniteAsNull} would write a null for it
     */
    public static boolean containsNonFinite(Object value) {
        return JsonWriter.containsNonFinite(value);
    }

    /**
     * Parses one JSON value.
     *
     * @param text the complete JSON text (surrounding whitespace allowed)
     * @return a LinkedHashMap, ArrayList, String, Long, BigInteger, Double, Boolean or null
     * @throws JsonParseException if the text is not strict JSON
     */
    public static Object parse(String text) {
        return new JsonParser(text).parseDocument();
    }
}
