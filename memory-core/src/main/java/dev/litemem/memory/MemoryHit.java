package dev.litemem.memory;

/**
 * One memory a recall returned, with its score and the three parts of it, each min-max normalized over the recall's
 * candidates (0 to 1): {@code score = a * relevance + b * recency + c * importance} with the call's weights.
 */
public record MemoryHit(MemoryItem memory, double score, double relevance, double recency, double importance) {
}
