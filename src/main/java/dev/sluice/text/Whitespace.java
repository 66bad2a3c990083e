package dev.sluice.text;

/** Unicode White_Space, the meaning of whitespace in the Rust tokenizers (char::is_whitespace). */
final class Whitespace {
    private Whitespace() {}

    static boolean is(int cp) {
        return switch (cp) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    static String strip(String s, boolean left, boolean right) {
        int start = 0;
        int end = s.length();
        if (left) {
            while (start < end && is(s.codePointAt(start))) {
                start += Character.charCount(s.codePointAt(start));
            }
        }
        if (right) {
            while (end > start && is(s.codePointBefore(end))) {
                end -= Character.charCount(s.codePointBefore(end));
            }
        }
        return s.substring(start, end);
    }
}
