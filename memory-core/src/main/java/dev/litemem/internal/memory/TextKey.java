package dev.litemem.internal.memory;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The key under which a memory's text is unique in its scope: Unicode NFKC, lower case, runs of white space as one
 * space, without the spaces and final punctuation around it. "Alice  likes tea." and "alice likes tea" are one fact.
 */
final class TextKey {
    private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile("\\s+");

    private TextKey() {
    }

    static String of(String text) {
        String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        s = SPACES.matcher(s).replaceAll(" ").strip(); // compiled once: String.replaceAll compiles on every call
        int end = s.length();
        while (end > 0 && ".!?;,".indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(0, end).strip();
    }
}
