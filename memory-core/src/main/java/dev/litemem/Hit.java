package dev.litemem;

/**
 * A search result: the record, its score, and the per-mode ranks and scores that produced it.
 *
 * @param score         higher is better: for {@link SearchMode#SEMANTIC} the similarity (cosine, dot product, or
 *                      the negated L2 distance); for {@link SearchMode#KEYWORD} the BM25 relevance; for
 *                      {@link SearchMode#HYBRID} the fused score of the request's {@link Fusion} (by default weighted
 *                      reciprocal rank fusion)
 * @param semanticRank  1-based rank among the semantic candidates, or null if the semantic side did not return it
 * @param semanticScore the similarity to the query vector, or null
 * @param keywordRank   1-based rank among the keyword (BM25) candidates, or null
 * @param keywordScore  the BM25 relevance (higher is better), or null
 */
public record Hit(Record record, float score, Integer semanticRank, Float semanticScore, Integer keywordRank,
                  Float keywordScore) {

    public Hit(Record record, float score) {
        this(record, score, null, null, null, null);
    }
}
