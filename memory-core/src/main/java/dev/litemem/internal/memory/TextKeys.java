package dev.litemem.internal.memory;

/** The unique text key of a memory's text, for the replay of memory images outside this package. */
public final class TextKeys {
    private TextKeys() {
    }

    public static String of(String text) {
        return TextKey.of(text);
    }
}
