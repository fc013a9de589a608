package dev.litemem;

import java.util.List;
import java.util.Map;

/**
 * Hits and what produced them.
 *
 * @param mode              the mode that ran
 * @param semanticPath      "graph" (HNSW), "exact" (full scan), or null when no semantic side ran
 * @param ef                the graph search breadth used, or null
 * @param filterCandidates  how many records the filter kept, or null without a filter
 * @param stepMillis        the time of each step (embed, semantic, keyword, fuse, load), in milliseconds
 */
public record SearchResult(List<Hit> hits, SearchMode mode, String semanticPath, Integer ef, Long filterCandidates,
                           Map<String, Double> stepMillis) {
    public SearchResult {
        hits = List.copyOf(hits);
        stepMillis = Map.copyOf(stepMillis);
    }
}
