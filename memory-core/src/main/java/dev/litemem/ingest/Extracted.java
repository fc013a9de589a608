package dev.litemem.ingest;

import java.util.List;

/** The visible text of one file, as blocks in reading order, and its title. */
record Extracted(String title, List<Block> blocks) {
    Extracted {
        blocks = List.copyOf(blocks);
    }
}
