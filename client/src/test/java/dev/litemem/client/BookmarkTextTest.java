package dev.litemem.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** A bookmark's text: the format the server has always answered, and read back as the same bookmark. */
class BookmarkTextTest {
    @Test
    void theTextIsTheDocumentedFormatAndReadsBack() {
        for (long seq : new long[] {0, 7, 42_000_000_001L, Long.MAX_VALUE}) {
            Bookmark b = new Bookmark("acme-1", "0f3a9c", seq);
            assertEquals(String.format(Locale.ROOT, "lm1.%s.%019d.%s", "0f3a9c", seq, "acme-1"), b.toString());
            assertEquals(b, Bookmark.parse(b.toString()));
        }
    }
}
