package dev.sluice.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesCompactInMapOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1);
        m.put("a", List.of(true, false, 2.5, "x"));
        m.put("n", null);
        m.put("shape", new int[] {2, 3});
        m.put("nested", new TreeMap<>(Map.of("b", 2L, "a", Map.of())));
        assertEquals("{\"z\":1,\"a\":[true,false,2.5,\"x\"],\"n\":null,\"shape\":[2,3],\"nested\":{\"a\":{},\"b\":2}}",
                Json.write(m));
    }

    @Test
    void mapsWithoutAnOrderAreWrittenSortedByKeySoEveryJvmWritesTheSameBytes() {
        // Map.of's iteration order is salted per JVM; ten keys make an accidental sorted order unlikely
        Map<String, Object> unordered = Map.of("k7", 7, "k2", 2, "k9", 9, "k0", 0, "k5", 5, "k1", 1, "k8", 8, "k3", 3,
                "k6", 6, "k4", 4);
        assertEquals("{\"k0\":0,\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,\"k9\":9}",
                Json.write(unordered));
        java.util.HashMap<String, Object> hash = new java.util.HashMap<>(Map.of("b", 1, "a", java.util.Collections.singletonMap("y", null)));
        assertEquals("{\"a\":{\"y\":null},\"b\":1}", Json.write(hash));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, "one")));
    }

    @Test
    void escapesLikeSerdeJson() {
        assertEquals("\"q\\\"b\\\\n\\nt\\t\\u0001/é\"", Json.write("q\"b\\n\nt\t\u0001/é"));
    }

    @Test
    void prettyOutputParsesBack() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss", 0.25);
        m.put("steps", List.of(1L, 2L));
        m.put("empty", List.of());
        String text = Json.writePretty(m);
        assertEquals("{\n  \"loss\": 0.25,\n  \"steps\": [\n    1,\n    2\n  ],\n  \"empty\": []\n}", text);
        assertEquals(m, Json.parse(text));
    }

    @Test
    void rejectsNonFiniteNumbersAndUnknownTypes() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    }

    @Test
    void nonFiniteNumbersCanBeWrittenAsNullOnRequest() {
        var m = new java.util.LinkedHashMap<String, Object>();
        m.put("loss", Double.NaN);
        m.put("per_epoch", List.of(Map.of("acc", 0.5), Map.of("acc", Float.POSITIVE_INFINITY)));
        m.put("raw", new double[] {1.5, Double.NEGATIVE_INFINITY});
        assertTrue(Json.containsNonFinite(m));
        assertTrue(Json.containsNonFinite(new double[] {Double.NaN}));
        org.junit.jupiter.api.Assertions.assertFalse(Json.containsNonFinite(Map.of("a", List.of(1.0, 2), "b", "NaN")));
        String text = Json.writeNonFiniteAsNull(m, false);
        assertEquals("{\"loss\":null,\"per_epoch\":[{\"acc\":0.5},{\"acc\":null}],\"raw\":[1.5,null]}", text);
        assertEquals(text, Json.write(Json.parse(text)), "a strict reader reads it back");
        assertThrows(IllegalArgumentException.class, () -> Json.write(m));
    }

    @Test
    void parsesAllValueKinds() {
        Object v = Json.parse(" {\"a\": [1, -2, 3.5e2, \"\\u00e9\\n\\ud83d\\ude00\", true, false, null], \"big\": 123456789012345678901234} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of(1L, -2L, 350.0, "é\n😀", true, false), ((List<?>) m.get("a")).subList(0, 6));
        assertEquals(new BigInteger("123456789012345678901234"), m.get("big"));
        assertEquals(List.of("a", "big"), List.copyOf(m.keySet()));
    }

    @Test
    void strictParserRejectsSloppyJson() {
        for (String bad : new String[] {"", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "'a'", "{a:1}", "[1] x",
                "\"tab\there\"", "NaN", "tru", "\"\\x\"", "{\"a\" 1}", "[1 2]", "// c\n1"}) {
            JsonParseException e = assertThrows(JsonParseException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().contains("at offset"), e.getMessage());
        }
    }

    @Test
    void loneSurrogatesAreEscapedAndRoundTrip() {
        String s = "a\ud800b";
        assertEquals("\"a\\ud800b\"", Json.write(s));
        assertEquals(s, Json.parse(Json.write(s)));
        assertEquals("\"😀\"", Json.write("😀"));
    }

    @Test
    void numbersOutOfDoubleRangeAreRejected() {
        assertThrows(JsonParseException.class, () -> Json.parse("1e400"));
        assertEquals(-0.0, Json.parse("-0.0"));
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
        assertEquals(new BigInteger("9223372036854775808"), Json.parse("9223372036854775808"));
    }

    @Test
    void duplicateKeysAreReported() {
        JsonParseException e = assertThrows(JsonParseException.class, () -> Json.parse("{\"w\":1,\"w\":2}"));
        assertEquals("w", e.duplicateKey());
    }

    @Test
    void deepNestingFailsCleanly() {
        String deep = "[".repeat(100_000);
        assertThrows(JsonParseException.class, () -> Json.parse(deep));
    }
}
