package dev.litemem.springai;

import dev.litemem.Collection;
import dev.litemem.CollectionSpec;
import dev.litemem.Hit;
import dev.litemem.LiteMem;
import dev.litemem.Record;
import dev.litemem.index.Metric;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.ai.document.Document;
import org.springframework.ai.document.DocumentMetadata;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.vectorstore.AbstractVectorStoreBuilder;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.filter.Filter;
import org.springframework.ai.vectorstore.observation.AbstractObservationVectorStore;
import org.springframework.ai.vectorstore.observation.VectorStoreObservationContext;

/**
 * A Spring AI {@link org.springframework.ai.vectorstore.VectorStore} over one LiteMem collection, with Spring AI's
 * observations (it extends {@link AbstractObservationVectorStore}).
 *
 * <ul>
 *   <li>{@code add} embeds the documents with the application's {@link EmbeddingModel} (in the batches of its
 *   batching strategy) and writes them in one transaction; a document with an existing id replaces it.</li>
 *   <li>{@code similaritySearch} is a vector search: topK, the similarity threshold (on the cosine similarity, which
 *   is each document's score; the metadata key {@code distance} holds 1 - score), and a filter expression.</li>
 *   <li>Filter expressions, parsed by Spring AI's own parser, are mapped to LiteMem's filter and run as SQL.</li>
 *   <li>The collection is created at the first write, with the embedding model's dimension and the cosine metric;
 *   filled by LiteMem's own model ({@link LiteMemEmbeddingModel}) it records that model, so LiteMem's command line
 *   and server can query the same file by text.</li>
 * </ul>
 *
 * Thread-safe. The {@link LiteMem} store stays the caller's to close.
 */
public final class LiteMemVectorStore extends AbstractObservationVectorStore {
    /** The database system name in Spring AI's vector store observations. */
    public static final String DB_SYSTEM = "litemem";
    private final LiteMem store;
    private final String collectionName;
    private volatile Collection collection;
    private volatile Integer dimensions;

    private LiteMemVectorStore(Builder builder) {
        super(builder);
        this.store = Objects.requireNonNull(builder.store, "store: give the LiteMem store, LiteMem.open(path)");
        this.collectionName = builder.collection;
    }

    public static Builder builder(LiteMem store, EmbeddingModel embeddingModel) {
        return new Builder(store, embeddingModel);
    }

    /** The LiteMem collection behind this store, once the first write created it. */
    public Optional<Collection> collection() {
        return Optional.ofNullable(existingCollection());
    }

    @Override
    public void doAdd(List<Document> documents) {
        Objects.requireNonNull(documents, "documents");
        if (documents.isEmpty()) {
            return;
        }
        List<float[]> vectors = embeddingModel.embed(documents, EmbeddingOptions.builder().build(), batchingStrategy);
        List<Record> records = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            Document d = documents.get(i);
            records.add(Record.builder().id(d.getId()).text(d.getText()).metadata(d.getMetadata()).vector(vectors.get(i)).build());
        }
        writableCollection(vectors.get(0).length).upsertAll(records);
    }

    @Override
    public void doDelete(List<String> idList) {
        Objects.requireNonNull(idList, "idList");
        Collection c = existingCollection();
        if (c != null && !idList.isEmpty()) {
            c.deleteAll(idList);
        }
    }

    @Override
    protected void doDelete(Filter.Expression filterExpression) {
        Objects.requireNonNull(filterExpression, "filterExpression");
        dev.litemem.Filter where = FilterExpressionTranslator.translate(filterExpression);
        Collection c = existingCollection();
        if (c != null) {
            c.deleteWhere(where);
        }
    }

    @Override
    public List<Document> doSimilaritySearch(SearchRequest request) {
        Collection c = existingCollection();
        if (c == null) {
            return List.of();
        }
        dev.litemem.SearchRequest search = dev.litemem.SearchRequest.vector(embeddingModel.embed(request.getQuery()))
                .k(Math.min(request.getTopK(), dev.litemem.SearchRequest.MAX_K));
        if (request.getSimilarityThreshold() > SearchRequest.SIMILARITY_THRESHOLD_ACCEPT_ALL) {
            search.minScore((float) request.getSimilarityThreshold());
        }
        if (request.hasFilterExpression()) {
            search.where(FilterExpressionTranslator.translate(request.getFilterExpression()));
        }
        List<Hit> hits = c.search(search);
        List<Document> documents = new ArrayList<>(hits.size());
        for (Hit hit : hits) {
            Record r = hit.record();
            Map<String, Object> metadata = new LinkedHashMap<>(r.metadata());
            metadata.put(DocumentMetadata.DISTANCE.value(), 1 - hit.score());
            documents.add(Document.builder().id(r.id()).text(r.text()).metadata(metadata).score((double) hit.score()).build());
        }
        return documents;
    }

    @Override
    public VectorStoreObservationContext.Builder createObservationContextBuilder(String operationName) {
        return VectorStoreObservationContext.builder(DB_SYSTEM, operationName)
                .collectionName(collectionName)
                .dimensions(dimensions())
                .similarityMetric("cosine");
    }

    /** Asked of the model once: a remote model's default dimensions() costs a call. */
    private int dimensions() {
        Integer d = dimensions;
        if (d == null) {
            Collection c = existingCollection();
            d = c != null ? c.info().spec().dimension() : embeddingModel.dimensions();
            dimensions = d;
        }
        return d;
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
                    CollectionSpec spec = embeddingModel instanceof LiteMemEmbeddingModel own
                            && own.embedder().dimension() == dimension
                            ? CollectionSpec.of(own.embedder()) : CollectionSpec.vectors(dimension, Metric.COSINE);
                    c = store.collection(collectionName, spec);
                    collection = c;
                }
            }
        }
        return c;
    }

    public static final class Builder extends AbstractVectorStoreBuilder<Builder> {
        private final LiteMem store;
        private String collection = "documents";

        private Builder(LiteMem store, EmbeddingModel embeddingModel) {
            super(embeddingModel);
            this.store = store;
        }

        /** The collection's name (default {@code documents}). */
        public Builder collection(String collection) {
            this.collection = Objects.requireNonNull(collection, "collection");
            return this;
        }

        @Override
        public LiteMemVectorStore build() {
            return new LiteMemVectorStore(this);
        }
    }
}
