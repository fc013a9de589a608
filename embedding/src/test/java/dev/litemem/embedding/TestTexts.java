package dev.litemem.embedding;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic, varied test texts. */
final class TestTexts {
    private TestTexts() {
    }

    /** At least 50 texts under 128 tokens: short, long, unicode, punctuation only, code, numbers. */
    static List<String> varied() {
        List<String> texts = new ArrayList<>(List.of(
                "A man is eating food.",
                "A man is eating a piece of bread.",
                "The girl is carrying a baby.",
                "hi",
                "x",
                "?",
                "!!!",
                "... --- ...",
                "(){}[]<>;:,.",
                "42",
                "3.14159 2.71828 1.41421",
                "Order #12345 shipped on 2026-11-24 at 09:30 UTC for $1,299.99.",
                "public static void main(String[] args) { System.out.println(\"hi\"); }",
                "SELECT id, name FROM users WHERE age > 30 ORDER BY name;",
                "def fib(n): return n if n < 2 else fib(n - 1) + fib(n - 2)",
                "<html><body><p class=\"x\">Hello</p></body></html>",
                "{\"key\": [1, 2, 3], \"nested\": {\"a\": null}}",
                "Café crème brûlée à la française",
                "Grüße aus München, Straße und Fußball",
                "¿Dónde está la biblioteca? ¡Aquí!",
                "日本語のテキストです。",
                "这是一个中文句子。",
                "Привет, как дела?",
                "Γειά σου κόσμε",
                "مرحبا بالعالم",
                "שלום עולם",
                "नमस्ते दुनिया",
                "😀 🚀 🎉 emoji test 👍",
                "naïve coöperation résumé",
                "ﬁ ligature and ½ fraction and ™ symbol",
                "   leading and trailing spaces   ",
                "tabs\tand\nnewlines\r\nmixed",
                "UPPER CASE SHOUTING TEXT",
                "MiXeD cAsE tExT",
                "e-mail: someone@example.com, url: https://example.org/path?q=1",
                "The quick brown fox jumps over the lazy dog.",
                "To be, or not to be, that is the question.",
                "Machine learning models convert text into dense vectors.",
                "SQLite stores the whole database in a single file.",
                "The mitochondria is the powerhouse of the cell.",
                "I can't believe it's not butter!",
                "She said: \"don't go there\"; he didn't listen.",
                "a a a a a a a a a a a a a a a a a a a a",
                "supercalifragilisticexpialidocious antidisestablishmentarianism",
                "pneumonoultramicroscopicsilicovolcanoconiosis"));
        Random random = new Random(7);
        String[] words = {"memory", "agent", "vector", "index", "tenant", "record", "chunk", "query", "cosine",
            "store", "file", "transaction", "embedding", "model", "token", "batch", "thread", "cache", "disk", "row"};
        for (int n = 0; n < 15; n++) {
            StringBuilder sb = new StringBuilder();
            int count = 5 + n * 6;
            for (int w = 0; w < count; w++) {
                sb.append(w == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
            }
            texts.add(sb.append('.').toString());
        }
        return texts;
    }

    /** A text of the given number of words. */
    static String words(int count, long seed) {
        Random random = new Random(seed);
        String[] words = {"the", "river", "carried", "small", "stones", "past", "old", "mills", "while", "children",
            "watched", "from", "a", "wooden", "bridge", "and", "counted", "boats", "under", "clouds"};
        StringBuilder sb = new StringBuilder();
        for (int w = 0; w < count; w++) {
            sb.append(w == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
        }
        return sb.toString();
    }
}
