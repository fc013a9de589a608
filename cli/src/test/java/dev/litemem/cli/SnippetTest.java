package dev.litemem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SnippetTest {
    @Test
    void queryWordsAreMarkedAndFunctionWordsAreNot() {
        assertEquals(List.of("rotate", "keys"), QueryCommand.terms("How do I rotate the keys?"));
        String s = QueryCommand.snippet("- **Customer API keys**: customers rotate these in Settings.",
                QueryCommand.terms("how do I rotate the keys"), 200, false);
        assertEquals("- Customer API **keys**: customers **rotate** these in Settings.", s);
    }

    @Test
    void theWindowMovesToTheFirstMatchAndShowsWhereItWasCut() {
        String text = "intro ".repeat(60) + "the backup runs nightly at 02:30 UTC " + "tail ".repeat(60);
        String s = QueryCommand.snippet(text, List.of("backup"), 80, false);
        assertTrue(s.startsWith("…") && s.endsWith("…"), s);
        assertTrue(s.contains("**backup**"), s);
        assertTrue(s.length() <= 80 + 2 + 4, s + " (80 characters of text, two ellipses, one mark)");
    }

    @Test
    void onATerminalMarksAreBold() {
        String s = QueryCommand.snippet("Rotation of keys", List.of("keys"), 100, true);
        assertEquals("Rotation of \033[1mkeys\033[0m", s);
        assertFalse(QueryCommand.snippet("nothing here", List.of("keys"), 100, false).contains("**"));
    }
}
