package dev.litemem;

import java.util.Objects;

/**
 * A search: by the caller's vector or by text, with the number of hits, an optional metadata filter, the mode, and
 * the knobs of each mode. Build with {@link #vector(float[])}, {@link #text(String)} or
 * {@link #vectorAndText(float[], String)}.
 */
public final class SearchRequest {
    public static final int MAX_K = 10_000;
    /** How hybrid search merges its two lists by default. */
    public static final Fusion DEFAULT_FUSION = Fusion.RRF;
    /**
     * Reciprocal rank fusion's rank constant. Small, so that each side's first hits count most: with the default
     * weight, the keyword side's best hit ties the semantic side's 9th even when the two lists share nothing, so a
     * query only keywords answer still finds its hit on the first page. Chosen with {@link #DEFAULT_SEMANTIC_WEIGHT}
     * on every BEIR set in ../shared/datasets and samples/acme-eval (README, "Retrieval quality").
     */
    public static final int DEFAULT_RRF_K = 5;
    /**
     * The semantic side's weight in hybrid fusion; the keyword side gets 1 - weight. 0.7 (with rrfK 5) is the most
     * even split that keeps hybrid within 0.01 of the better side on every set we measured with the default model:
     * equal weights fall 0.03-0.05 below semantic search on dbpedia, where BM25 is much the weaker side; 0.8 with
     * rrfK 20 (the default before) kept a keyword-only hit off the first page and did worse with bge-small-en-v1.5
     * (which misses the bar on npl either way: 0.028 below keyword search with these defaults).
     */
    public static final double DEFAULT_SEMANTIC_WEIGHT = 0.7;

    private final float[] vector;
    private final String text;
    private int k = 10;
    private int offset;
    private Filter filter;
    private SearchMode mode;
    private Fusion fusion = DEFAULT_FUSION;
    private double semanticWeight = DEFAULT_SEMANTIC_WEIGHT;
    private int rrfK = DEFAULT_RRF_K;
    private Float minScore;
    private Double mmrLambda;
    private boolean exact;
    private Integer ef;
    private boolean includeVectors;

    private SearchRequest(float[] vector, String text) {
        this.vector = vector;
        this.text = text;
    }

    /** A semantic search by the caller's own vector. */
    public static SearchRequest vector(float[] vector) {
        return new SearchRequest(Objects.requireNonNull(vector, "vector").clone(), null);
    }

    /** A search by text: hybrid unless {@link #mode(SearchMode)} says otherwise. */
    public static SearchRequest text(String text) {
        return new SearchRequest(null, Objects.requireNonNull(text, "text"));
    }

    /**
     * A search by the caller's own vector and the query text it was computed from: hybrid unless
     * {@link #mode(SearchMode)} says otherwise. The semantic side uses the vector (nothing is embedded, so it also
     * works on collections of caller-supplied vectors), the keyword side the text.
     *
     * @throws InvalidInputException if the text is blank
     */
    public static SearchRequest vectorAndText(float[] vector, String text) {
        Objects.requireNonNull(text, "text");
        if (text.isBlank()) {
            throw new InvalidInputException("text", "the query text is empty: give some words to search for, or search"
                    + " by the vector alone with SearchRequest.vector(...)");
        }
        return new SearchRequest(Objects.requireNonNull(vector, "vector").clone(), text);
    }

    /** How many hits at most (default 10, at most {@value #MAX_K}). */
    public SearchRequest k(int k) {
        if (k < 1 || k > MAX_K) {
            throw new InvalidInputException("k", "k must be between 1 and " + MAX_K + ", was " + k);
        }
        this.k = k;
        return this;
    }

    /** Skip this many hits first, for paging (default 0). */
    public SearchRequest offset(int offset) {
        if (offset < 0 || offset > MAX_K) {
            throw new InvalidInputException("offset", "offset must be between 0 and " + MAX_K + ", was " + offset);
        }
        this.offset = offset;
        return this;
    }

    /** Only records matching the filter are considered. */
    public SearchRequest where(Filter filter) {
        this.filter = filter;
        return this;
    }

    public SearchRequest mode(SearchMode mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
        return this;
    }

    /** Hybrid: how the two lists are merged (default {@link #DEFAULT_FUSION}). */
    public SearchRequest fusion(Fusion fusion) {
        this.fusion = Objects.requireNonNull(fusion, "fusion");
        return this;
    }

    /** Hybrid fusion: the semantic side's weight, 0 to 1; the keyword side gets the rest. */
    public SearchRequest semanticWeight(double weight) {
        if (!(weight >= 0 && weight <= 1)) {
            throw new InvalidInputException("semanticWeight", "the semantic weight must be between 0 and 1, was " + weight);
        }
        this.semanticWeight = weight;
        return this;
    }

    /** Hybrid fusion: the rank constant of reciprocal rank fusion (default {@value #DEFAULT_RRF_K}). */
    public SearchRequest rrfK(int rrfK) {
        if (rrfK < 1 || rrfK > 10_000) {
            throw new InvalidInputException("rrfK", "rrfK must be between 1 and 10000, was " + rrfK);
        }
        this.rrfK = rrfK;
        return this;
    }

    /** Drop hits whose score is below this (in the mode's own scale, see {@link Hit#score()}). */
    public SearchRequest minScore(float minScore) {
        this.minScore = minScore;
        return this;
    }

    /**
     * Re-rank for diversity with maximal marginal relevance: lambda 1 is pure relevance, 0 pure diversity (0.5 is a
     * common choice).
     */
    public SearchRequest mmr(double lambda) {
        if (!(lambda >= 0 && lambda <= 1)) {
            throw new InvalidInputException("mmr", "the MMR lambda must be between 0 and 1, was " + lambda);
        }
        this.mmrLambda = lambda;
        return this;
    }

    /** Semantic side: scan every vector instead of searching the graph (exact, slower). */
    public SearchRequest exact(boolean exact) {
        this.exact = exact;
        return this;
    }

    /** Semantic side: the graph's search breadth for this query (default: the collection's efSearch). */
    public SearchRequest ef(int ef) {
        if (ef < 1 || ef > 100_000) {
            throw new InvalidInputException("ef", "ef must be between 1 and 100000, was " + ef);
        }
        this.ef = ef;
        return this;
    }

    /**
     * Whether each hit's record carries its vector (default false: hits load the id, text, metadata, source and
     * timestamps only, which is what most callers show; a vector is 1.5 KB at 384 dimensions).
     */
    public SearchRequest includeVectors(boolean includeVectors) {
        this.includeVectors = includeVectors;
        return this;
    }

    boolean includeVectors() {
        return includeVectors;
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

    int offset() {
        return offset;
    }

    Filter filter() {
        return filter;
    }

    SearchMode effectiveMode() {
        if (mode != null) {
            return mode;
        }
        return text != null ? SearchMode.HYBRID : SearchMode.SEMANTIC;
    }

    Fusion fusion() {
        return fusion;
    }

    double semanticWeight() {
        return semanticWeight;
    }

    int rrfK() {
        return rrfK;
    }

    Float minScore() {
        return minScore;
    }

    Double mmrLambda() {
        return mmrLambda;
    }

    boolean exact() {
        return exact;
    }

    Integer ef() {
        return ef;
    }
}
