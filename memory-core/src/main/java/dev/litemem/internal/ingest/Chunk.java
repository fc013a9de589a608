package dev.litemem.internal.ingest;

import java.util.List;

/**
 * One piece of a document: the text stored, the text embedded (the heading path, then the text, so the vector knows
 * the section it sits in), its heading path, page (PDF only) and token count.
 */
public record Chunk(int index, String text, String embedText, List<String> headings, Integer page, int tokens) {
    public Chunk {
        headings = List.copyOf(headings);
    }
}
