package dev.litemem.internal.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.ingest.ChunkingOptions;
import dev.litemem.testing.WordHashEmbedder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkerTest {
    private final WordHashEmbedder embedder = new WordHashEmbedder(64, 512);

    private List<Chunk> chunk(Extracted doc, int target, int overlap) {
        return new Chunker(new ChunkingOptions(target, overlap), embedder::countTokens, embedder.maxTokens()).chunk(doc);
    }

    @Test
    void markdownChunksKeepTheirHeadingPathAndNeverCrossASection() {
        String md = """
                # Guide

                Intro paragraph.

                ## Install

                Run the installer.

                ### On Linux

                Use the package.

                ## Use

                Start it.
                """;
        List<Chunk> chunks = chunk(MarkdownExtractor.markdown(md, "fallback"), 100, 10);
        assertEquals(4, chunks.size());
        assertEquals(List.of("Guide"), chunks.get(0).headings());
        assertEquals(List.of("Guide", "Install"), chunks.get(1).headings());
        assertEquals(List.of("Guide", "Install", "On Linux"), chunks.get(2).headings());
        assertEquals(List.of("Guide", "Use"), chunks.get(3).headings());
        assertEquals("Use the package.", chunks.get(2).text());
        assertEquals("Guide > Install > On Linux\n\nUse the package.", chunks.get(2).embedText());
        for (int i = 0; i < chunks.size(); i++) {
            assertEquals(i, chunks.get(i).index());
        }
    }

    @Test
    void longSectionsAreCutToTheTargetWithSentenceOverlap() {
        StringBuilder text = new StringBuilder("# Long\n\n");
        for (int p = 0; p < 6; p++) {
            for (int s = 0; s < 8; s++) {
                text.append("Paragraph ").append(p).append(" sentence ").append(s).append(" says something useful. ");
            }
            text.append("\n\n");
        }
        int target = 40;
        List<Chunk> chunks = chunk(MarkdownExtractor.markdown(text.toString(), "x"), target, 12);
        assertTrue(chunks.size() > 6, "chunks: " + chunks.size());
        for (Chunk c : chunks) {
            assertTrue(embedder.countTokens(c.embedText()) <= target, "chunk " + c.index() + " has "
                    + embedder.countTokens(c.embedText()) + " tokens");
        }
        boolean overlapSeen = false;
        for (int i = 1; i < chunks.size(); i++) {
            List<String> previous = Chunker.sentences(chunks.get(i - 1).text());
            String last = previous.get(previous.size() - 1);
            overlapSeen |= chunks.get(i).text().startsWith(last);
        }
        assertTrue(overlapSeen, "the next chunk repeats the last sentence of the previous one");
    }

    @Test
    void anOverlongSentenceIsSplitIntoWordRuns() {
        String words = "word ".repeat(300);
        List<Chunk> chunks = chunk(MarkdownExtractor.plainText(words, "t"), 50, 0);
        assertTrue(chunks.size() >= 6);
        int total = 0;
        for (Chunk c : chunks) {
            assertTrue(embedder.countTokens(c.embedText()) <= 50);
            total += c.text().split("\\s+").length;
        }
        assertEquals(300, total);
    }

    @Test
    void theTargetIsCappedAtTheModelLimit() {
        WordHashEmbedder small = new WordHashEmbedder(64, 30);
        List<Chunk> chunks = new Chunker(new ChunkingOptions(200, 0), small::countTokens, small.maxTokens())
                .chunk(MarkdownExtractor.plainText("alpha beta gamma delta. ".repeat(40), "t"));
        assertTrue(chunks.size() > 1);
        for (Chunk c : chunks) {
            assertTrue(small.countTokens(c.embedText()) <= 30);
        }
    }

    @Test
    void plainTextUnderlinedHeadingsBecomeTheHeadingPath() {
        Extracted doc = MarkdownExtractor.plainText("STYLE GUIDE\n===========\n\nIntro.\n\nJAVA\n----\n- Use records.\n", "f");
        assertEquals("STYLE GUIDE", doc.title());
        assertEquals(List.of("STYLE GUIDE", "JAVA"), doc.blocks().get(1).headings());
        assertFalse(doc.blocks().get(1).text().contains("----"));
    }

    @Test
    void badOptionsAreRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new ChunkingOptions(8, 0));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new ChunkingOptions(100, 60));
    }
}
