package dev.sluice.methods.recontext;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class PromptTransformTest {
    @Test
    void replaceSwapsTheFirstSpanAndKeepsTheResponse() {
        PromptTransform t = PromptTransform.replace("dont->ok", new int[] {7, 8}, new int[] {9});
        int[] prompt = {1, 7, 8, 2, 7, 8};
        assertArrayEquals(new int[] {1, 9, 2, 7, 8}, t.apply(prompt));
        assertArrayEquals(new int[] {1, 7, 8, 2, 7, 8}, prompt, "the argument is not modified");
        int[] response = {4, 4, 3, 0};
        Episode e = t.apply(new Episode(prompt, response));
        assertArrayEquals(response, e.response());
        assertArrayEquals(new int[] {1, 9, 2, 7, 8}, e.prompt());
        var err = assertThrows(IllegalArgumentException.class, () -> t.apply(new int[] {1, 2, 3}));
        assertTrue(err.getMessage().contains("dont->ok") && err.getMessage().contains("[7, 8]") && err.getMessage().contains("[1, 2, 3]"), err.getMessage());
    }

    @Test
    void insertAndIdentity() {
        assertArrayEquals(new int[] {5, 6, 1, 2}, PromptTransform.insert("pre", 0, new int[] {5, 6}).apply(new int[] {1, 2}));
        assertArrayEquals(new int[] {1, 2, 5}, PromptTransform.insert("post", 2, new int[] {5}).apply(new int[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> PromptTransform.insert("bad", 3, new int[] {5}).apply(new int[] {1, 2}));
        int[] p = {3, 1};
        int[] q = PromptTransform.identity().apply(p);
        assertArrayEquals(p, q);
        assertNotSame(p, q);
    }
}
