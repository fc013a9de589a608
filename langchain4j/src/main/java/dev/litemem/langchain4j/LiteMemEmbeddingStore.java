package dev.litemem.langchain4j;

import static dev.langchain4j.internal.ValidationUtils.ensureNotEmpty;
import static dev.langchain4j.internal.ValidationUtils.ensureNotNull;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.RelevanceScore;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.litemem.Collection;
import dev.litemem.CollectionSpec;
import dev.litemem.Hit;
import dev.litemem.LiteMem;
import dev.litemem.Record;
import dev.litemem.SearchRequest;
import dev.litemem.index.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A LangChain4j {@link EmbeddingStore} over one LiteMem collection: segments, their embeddings and their metadata are
 * records in the LiteMem file, written in one transaction per call.
 *
 * <ul>
 *   <li><b>Search.</b> When the {@link EmbeddingSearchRequest} carries the query text ({@code query(...)}), LiteMem's
 *   <em>hybrid</em> search runs: the embedding finds the semantic neighbours, the text the keyword (BM25) matches, and
 *   the two rankings are fused. Without query text, it is a vector search. Either way each match's score is
 *   {@link RelevanceScore#fromCosineSimilarity(double)} of the cosine similarity between the query embedding and the
 *   match's embedding, so {@code minScore} means the same thing in both modes; the matches are in LiteMem's order
 *   (fused, for hybrid).</li>
 *   <li><b>Filters.</b> LangChain4j filters are translated to LiteMem's filter and run as SQL; {@code containsString}
 *   is not supported (an {@link UnsupportedOperationException}), and keys holding a {@code .} cannot be filtered on.</li>
 *   <li><b>Metadata</b> keeps its Java types (String, UUID, Integer, Long, Float, Double) through the file.</li>
 *   <li><b>The collection</b> holds the caller's vectors, compared by cosine. It is created on the first write with
 *   the dimension of its embeddings (or the builder's {@code dimension}); an existing collection is used as it is.</li>
 * </ul>
 *
 * Thread-safe. The {@link LiteMem} store stays the caller's to close.
 */
public final class LiteMemEmbeddingStore implements EmbeddingStore<TextSegment> {
    private final LiteMem store;
    private final String collectionName;
    private final Integer dimension;
    private final boolean hybrid;
    private volatile Collection collection;

    private LiteMemEmbeddingStore(Builder builder) {
        this.store = Objects.requireNonNull(builder.store, "store: give the LiteMem store, LiteMem.open(path)");
        this.collectionName = builder.collection;
        this.dimension = builder.dimension;
        this.hybrid = builder.hybrid;
        if (dimension != null) {
            writableCollection(dimension);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The LiteMem collection behind this store, if it exists yet (it is created by the first write). */
    public java.util.Optional<Collection> collection() {
        return java.util.Optional.ofNullable(existingCollection());
    }

    @Override
    public String add(Embedding embedding) {
        String id = UUID.randomUUID().toString();
        add(id, embedding);
        return id;
    }

    @Override
    public void add(String id, Embedding embedding) {
        addAll(List.of(id), List.of(embedding), null);
    }

    @Override
    public String add(Embedding embedding, TextSegment textSegment) {
        String id = UUID.randomUUID().toString();
        addAll(List.of(id), List.of(embedding), textSegment == null ? null : List.of(textSegment));
        return id;
    }

    @Override
    public List<String> addAll(List<Embedding> embeddings) {
        List<String> ids = generateIds(embeddings.size());
        addAll(ids, embeddings, null);
        return ids;
    }

    /** Inserts or replaces the embeddings (and their segments, when given) under the ids, all in one transaction. */
    @Override
    public void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> embedded) {
        ensureNotNull(ids, "ids");
        ensureNotNull(embeddings, "embeddings");
        if (ids.size() != embeddings.size() || (embedded != null && embedded.size() != embeddings.size())) {
            throw new IllegalArgumentException("ids, embeddings and embedded must have the same size, were "
                    + ids.size() + ", " + embeddings.size() + " and " + (embedded == null ? "none" : embedded.size()));
        }
        if (embeddings.isEmpty()) {
            return;
        }
        List<Record> records = new ArrayList<>(embeddings.size());
        for (int i = 0; i < embeddings.size(); i++) {
            Embedding embedding = ensureNotNull(embeddings.get(i), "embeddings[%s]", i);
            Record.Builder record = Record.builder().id(ids.get(i)).vector(embedding.vector());
            TextSegment segment = embedded == null ? null : embedded.get(i);
            if (segment != null) {
                record.text(segment.text()).metadata(TypedMetadata.encode(segment.metadata()));
            }
            records.add(record.build());
        }
        writableCollection(embeddings.get(0).dimension()).upsertAll(records);
    }

    @Override
    public void removeAll(java.util.Collection<String> ids) {
        ensureNotEmpty(ids, "ids");
        Collection c = existingCollection();
        if (c != null) {
            c.deleteAll(new ArrayList<>(ids));
        }
    }

    @Override
    public void removeAll(Filter filter) {
        ensureNotNull(filter, "filter");
        dev.litemem.Filter where = FilterTranslator.translate(filter);
        Collection c = existingCollection();
        if (c != null) {
            c.deleteWhere(where);
        }
    }

    @Override
    public void removeAll() {
        Collection c = existingCollection();
        if (c != null) {
            c.deleteWhere(dev.litemem.Filter.exists(dev.litemem.Filter.ID));
        }
    }

    @Override
    public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
        ensureNotNull(request, "request");
        float[] query = ensureNotNull(request.queryEmbedding(), "queryEmbedding").vector();
        String text = request.query();
        SearchRequest search = !hybrid || text == null || text.isBlank()
                ? SearchRequest.vector(query) : SearchRequest.vectorAndText(query, text);
        search.k(Math.min(request.maxResults(), SearchRequest.MAX_K));
        if (request.filter() != null) {
            search.where(FilterTranslator.translate(request.filter()));
        }
        return new EmbeddingSearchResult<>(matches(search, query, request.minScore()));
    }

    /** Runs a LiteMem search and turns its hits into matches; with a query vector, scored by cosine relevance. */
    List<EmbeddingMatch<TextSegment>> matches(SearchRequest search, float[] query, double minScore) {
        search.includeVectors(true); // a match carries its embedding, and the relevance is computed from it
        Collection c = existingCollection();
        if (c == null) {
            return List.of();
        }
        List<Hit> hits = c.search(search);
        List<EmbeddingMatch<TextSegment>> matches = new ArrayList<>(hits.size());
        for (Hit hit : hits) {
            Record r = hit.record();
            float[] vector = r.vector();
            double score = query != null && vector != null
                    ? RelevanceScore.fromCosineSimilarity(cosine(query, vector)) : hit.score();
            if (score >= minScore) {
                matches.add(new EmbeddingMatch<>(score, r.id(), vector == null ? null : Embedding.from(vector), segment(r)));
            }
        }
        return matches;
    }

    static TextSegment segment(Record r) {
        return r.text() == null ? null : TextSegment.from(r.text(), TypedMetadata.decode(r.metadata()));
    }

    private static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("the query embedding has " + a.length + " dimensions, the stored ones "
                    + b.length + ": embed the query with the model that filled the store");
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.max(Math.sqrt(na) * Math.sqrt(nb), 1e-8);
    }

    private Collection existingCollection() {
        Collection c = collection;
        if (c == null) {
            c = store.findCollection(collectionName).orElse(null); // never creates one; cached by the store once found
            collection = c;
        }
        return c;
    }

    private Collection writableCollection(int dimension) {
        Collection c = existingCollection();
        if (c == null) {
            synchronized (this) {
                c = existingCollection();
                if (c == null) {
                    c = store.collection(collectionName, CollectionSpec.vectors(dimension, Metric.COSINE));
                    collection = c;
                }
            }
        }
        return c;
    }

    public static final class Builder {
        private LiteMem store;
        private String collection = "langchain4j";
        private Integer dimension;
        private boolean hybrid = true;

        private Builder() {
        }

        /**
         * Whether a request that carries query text runs LiteMem's hybrid search (default true). Hybrid adds a BM25
         * keyword search, which costs more than the vector search (see the module README's figures); false makes every
         * search a vector search.
         */
        public Builder hybridSearch(boolean hybrid) {
            this.hybrid = hybrid;
            return this;
        }

        /** The LiteMem store (one file) to keep the embeddings in; required. */
        public Builder store(LiteMem store) {
            this.store = store;
            return this;
        }

        /** The collection's name (default {@code langchain4j}). */
        public Builder collection(String collection) {
            this.collection = Objects.requireNonNull(collection, "collection");
            return this;
        }

        /** Creates the collection now with this dimension, instead of at the first write. */
        public Builder dimension(int dimension) {
            this.dimension = dimension;
            return this;
        }

        public LiteMemEmbeddingStore build() {
            return new LiteMemEmbeddingStore(this);
        }
    }
}
