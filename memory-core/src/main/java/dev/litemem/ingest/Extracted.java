package dev.litemem.ingest;

import java.util.List;

/** The visible text of one file, as blocks in reading order, and its title. */
record Extracted(String title, List<Block> blocks) {
    Extracted {
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
