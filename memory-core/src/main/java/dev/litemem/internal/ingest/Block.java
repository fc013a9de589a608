package dev.litemem.internal.ingest;

import java.util.List;

/** A run of text that chunks never split across structure: a paragraph, list or code block, with its heading path. */
public record Block(List<String> headings, String text, Integer page) {
    public Block {
        headings = List.copyOf(headings);
    }
}
