package dev.litemem.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.litemem.SearchMode;
import dev.litemem.SearchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A LangChain4j {@link ContentRetriever} with LiteMem's search modes, filters and maximal marginal relevance, over a
 * {@link LiteMemEmbeddingStore}.
 *
 * <pre>{@code
 * ContentRetriever retriever = LiteMemContentRetriever.builder()
 *         .embeddingStore(store).embeddingModel(model)
 *         .mode(SearchMode.HYBRID).maxResults(5).mmr(0.5)
 *         .filter(metadataKey("team").isEqualTo("ops"))
 *         .build();
 * }</pre>
 *
 * The query is embedded with the embedding model (the one that filled the store); {@link SearchMode#KEYWORD} needs
 * none. Each content's {@link ContentMetadata#SCORE} is the cosine relevance of its embedding to the query
 * ({@code RelevanceScore.fromCosineSimilarity}), or, for a keyword search, its BM25 score; {@code minScore} applies
 * to that score.
 */
public final class LiteMemContentRetriever implements ContentRetriever {
    private final LiteMemEmbeddingStore store;
    private final EmbeddingModel embeddingModel;
    private final SearchMode mode;
    private final int maxResults;
    private final double minScore;
    private final Function<Query, Filter> filter;
    private final Double mmrLambda;

    private LiteMemContentRetriever(Builder b) {
        this.store = Objects.requireNonNull(b.store, "embeddingStore: give the LiteMemEmbeddingStore to retrieve from");
        this.mode = b.mode;
        if (b.embeddingModel == null && mode != SearchMode.KEYWORD) {
            throw new IllegalArgumentException("embeddingModel is required for " + mode.id() + " search: give the model"
                    + " that filled the store, or use SearchMode.KEYWORD");
        }
        this.embeddingModel = b.embeddingModel;
        this.maxResults = b.maxResults;
        this.minScore = b.minScore;
        this.filter = b.filter;
        this.mmrLambda = b.mmrLambda;
        SearchRequest.text("check").k(maxResults); // refuses a bad maxResults now rather than at the first query
        if (mmrLambda != null) {
            SearchRequest.text("check").mmr(mmrLambda);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public List<Content> retrieve(Query query) {
        String text = query.text();
        float[] vector = mode == SearchMode.KEYWORD ? null : embeddingModel.embed(text).content().vector();
        SearchRequest search = vector == null ? SearchRequest.text(text) : SearchRequest.vectorAndText(vector, text);
        search.mode(mode).k(maxResults);
        Filter f = filter.apply(query);
        if (f != null) {
            search.where(FilterTranslator.translate(f));
        }
        if (mmrLambda != null) {
            search.mmr(mmrLambda);
        }
        List<Content> contents = new ArrayList<>();
        for (EmbeddingMatch<TextSegment> match : store.matches(search, vector, minScore)) {
            if (match.embedded() != null) {
                contents.add(Content.from(match.embedded(), Map.of(
                        ContentMetadata.SCORE, match.score(), ContentMetadata.EMBEDDING_ID, match.embeddingId())));
            }
        }
        return contents;
    }

    public static final class Builder {
        private LiteMemEmbeddingStore store;
        private EmbeddingModel embeddingModel;
        private SearchMode mode = SearchMode.HYBRID;
        private int maxResults = 3;
        private double minScore;
        private Function<Query, Filter> filter = q -> null;
        private Double mmrLambda;

        private Builder() {
        }

        public Builder embeddingStore(LiteMemEmbeddingStore store) {
            this.store = store;
            return this;
        }

        /** The model that embeds the query; the one that filled the store. Not needed for keyword search. */
        public Builder embeddingModel(EmbeddingModel embeddingModel) {
            this.embeddingModel = embeddingModel;
            return this;
        }

        /** Hybrid (default: meaning and keywords, fused), semantic, or keyword (BM25). */
        public Builder mode(SearchMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** How many contents at most (default 3). */
        public Builder maxResults(int maxResults) {
            this.maxResults = maxResults;
            return this;
        }

        /** Contents scoring below this are dropped (default 0: none). */
        public Builder minScore(double minScore) {
            this.minScore = minScore;
            return this;
        }

        /** Only segments whose metadata match the filter. */
        public Builder filter(Filter filter) {
            this.filter = q -> filter;
            return this;
        }

        /** A filter chosen per query, for example from the user in {@code query.metadata().chatMemoryId()}. */
        public Builder dynamicFilter(Function<Query, Filter> filter) {
            this.filter = Objects.requireNonNull(filter, "filter");
            return this;
        }

        /** Re-rank for diversity: lambda 1 is pure relevance, 0 pure diversity (0.5 is a common choice). */
        public Builder mmr(double lambda) {
            this.mmrLambda = lambda;
            return this;
        }

        public LiteMemContentRetriever build() {
            return new LiteMemContentRetriever(this);
        }
    }
}
