package dev.litemem;

import java.util.Objects;

/**
 * A search: by the caller's vector or by text (embedded with the collection's model), the number of hits, and an
 * optional metadata filter. Build with {@link #vector(float[])} or {@link #text(String)}.
 */
public final class SearchRequest {
    public static final int MAX_K = 10_000;
    private final float[] vector;
    private final String text;
    private int k = 10;
    private Filter filter;

    private SearchRequest(float[] vector, String text) {
        this.vector = vector;
        this.text = text;
    }

    public static SearchRequest vector(float[] vector) {
        return new SearchRequest(Objects.requireNonNull(vector, "vector").clone(), null);
    }

    public static SearchRequest text(String text) {
        return new SearchRequest(null, Objects.requireNonNull(text, "text"));
    }

    /** How many hits at most (default 10, at most {@value #MAX_K}). */
    public SearchRequest k(int k) {
        if (k < 1 || k > MAX_K) {
            throw new InvalidInputException("k", "k must be between 1 and " + MAX_K + ", was " + k);
        }
        this.k = k;
        return this;
    }

    /** Only records matching the filter are considered. */
    public SearchRequest where(Filter filter) {
        this.filter = filter;
        return this;
    }

    float[] queryVector() {
        return vector;
    }

    String queryText() {
        return text;
    }

    int k() {
        return k;
    }

    Filter filter() {
        return filter;
    }
}
