package dev.litemem;

/** How a search finds its hits. */
public enum SearchMode {
    /** Query text -> embedding -> nearest vectors (through the HNSW index, or an exact scan). */
    SEMANTIC,
    /** SQLite FTS5 full-text search ranked by BM25 over the record text. */
    KEYWORD,
    /** Both, fused (by default by weighted reciprocal rank fusion, see {@link Fusion}): the default for text queries. */
    HYBRID;

    public String id() {
        return name().toLowerCase();
    }

    public static SearchMode fromId(String id) {
        for (SearchMode mode : values()) {
            if (mode.id().equalsIgnoreCase(id)) {
                return mode;
            }
        }
        throw new InvalidInputException("mode", "unknown search mode '" + id + "': use semantic, keyword or hybrid");
    }
}
