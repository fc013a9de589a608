package dev.litemem.index;

/** One search result: the caller's label for the vector and its score (higher is better, see {@link Metric}). */
public record Neighbor(long label, float score) {
}
