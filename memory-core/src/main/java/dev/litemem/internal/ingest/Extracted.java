package dev.litemem.internal.ingest;

import java.util.List;

/** The visible text of one file, as blocks in reading order, and its title. */
public record Extracted(String title, List<Block> blocks) {
    public Extracted {
        blocks = List.copyOf(blocks);
    }

    /** The characters of text in all blocks. */
    long textChars() {
        long n = 0;
        for (Block b : blocks) {
            n += b.text().length();
        }
        return n;
    }
}
