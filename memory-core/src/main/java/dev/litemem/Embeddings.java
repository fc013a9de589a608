package dev.litemem;

import java.util.List;

/**
 * The vectors for a list of texts, in the same order, and how many of those texts were cut at the model's token
 * limit (truncation is never silent).
 */
public record Embeddings(List<float[]> vectors, int truncated) {
    public Embeddings {
        vectors = List.copyOf(vectors);
        if (truncated < 0 || truncated > vectors.size()) {
            throw new IllegalArgumentException("truncated must be between 0 and " + vectors.size() + ", was " + truncated);
        }
    }
}
