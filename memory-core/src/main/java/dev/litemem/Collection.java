package dev.litemem;

import dev.litemem.index.Metric;
import dev.litemem.index.Neighbor;
import dev.litemem.index.VectorIndex;
import dev.litemem.internal.filter.SqlWhere;
import dev.litemem.internal.index.CollectionIndex;
import dev.litemem.internal.index.IndexAsIs;
import dev.litemem.internal.search.Query;
import dev.litemem.internal.search.Searcher;
import dev.litemem.internal.store.Database;
import dev.litemem.internal.store.EmbeddingCache;
import dev.litemem.internal.store.Json;
import dev.litemem.internal.store.LedgerRows;
import dev.litemem.internal.store.RecordRows;
import dev.litemem.internal.store.RecordWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * A named set of records inside a LiteMem file, fixed to one embedding model, dimension and metric. Thread-safe: get
 * one from {@link LiteMem#collection(String)} and share it.
 */
public final class Collection {
    static final int MAX_ID_LENGTH = 512;
    private final LiteMem store;
    private final Database db;
    private final long collectionId;
    private final CollectionInfo info;
    private final CollectionIndex index;
    /** Who this view's writes are recorded as; null: the store's default actor. */
    private final Actor actor;

    Collection(LiteMem store, Database db, long collectionId, CollectionInfo info, CollectionIndex index) {
        this(store, db, collectionId, info, index, null);
    }

    private Collection(LiteMem store, Database db, long collectionId, CollectionInfo info, CollectionIndex index,
                       Actor actor) {
        this.store = store;
        this.db = db;
        this.collectionId = collectionId;
        this.info = info;
        this.index = index;
        this.actor = actor;
    }

    /**
     * This collection, with its writes recorded in the change log as made by {@code actor} instead of the store's
     * default actor. A light view: make one per request or task; it shares everything else with this collection.
     */
    public Collection as(Actor actor) {
        return new Collection(store, db, collectionId, info, index, java.util.Objects.requireNonNull(actor, "actor"));
    }

    /** Who this collection's writes are recorded as: the actor given to {@link #as(Actor)}, else the store's default. */
    public Actor actor() {
        return actor != null ? actor : store.actor();
    }

    public String name() {
        return info.name();
    }

    /** Which of this collection's changes go to the central ledger (docs/LEDGER.md). */
    public LedgerPolicy ledgerPolicy() {
        return db.read(h -> LedgerRows.collectionPolicy(h, collectionId));
    }

    /**
     * Sets which of this collection's changes go to the central ledger, for changes committed from now on (changes
     * already logged keep their place in or out of the outbox). Inside {@link LiteMem#inTransaction} it joins it.
     */
    public void ledgerPolicy(LedgerPolicy policy) {
        java.util.Objects.requireNonNull(policy, "policy");
        db.write(h -> {
            LedgerRows.setCollectionPolicy(h, collectionId, policy);
            return null;
        });
    }

    public CollectionInfo info() {
        return info;
    }

    /** Inserts or replaces one record; returns the change-log sequence number it committed at. */
    public long upsert(Record record) {
        return upsertAll(List.of(record));
    }

    /**
     * Inserts or replaces the records in one transaction: all of them or none. Records with text and no vector are
     * embedded first (through the embedding cache), outside the transaction. Returns the sequence number of the
     * batch's last change.
     *
     * @throws InvalidInputException naming the first bad record, for example {@code records[3].vector}; nothing is written
     */
    public long upsertAll(List<Record> records) {
        if (records.isEmpty()) {
            return store.lastSequence();
        }
        List<String> metadataJson = new ArrayList<>(records.size());
        List<Integer> toEmbed = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            Record r = records.get(i);
            metadataJson.add(validate(r, i));
            if (!r.hasVector() && r.text() != null) {
                toEmbed.add(i);
            }
        }
        float[][] vectors = new float[records.size()][];
        for (int i = 0; i < records.size(); i++) {
            vectors[i] = records.get(i).vectorNoCopy();
        }
        EmbeddingCache.Result embedded = null;
        Embedder embedder = null;
        if (!toEmbed.isEmpty()) {
            embedder = embedderFor("records[" + toEmbed.get(0) + "].vector");
            List<String> texts = new ArrayList<>(toEmbed.size());
            for (int i : toEmbed) {
                texts.add(records.get(i).text());
            }
            Embedder using = embedder;
            embedded = EmbeddingCache.embed(embedder, texts, hashes -> db.read(h -> EmbeddingCache.lookup(h, using, hashes)));
            for (int j = 0; j < toEmbed.size(); j++) {
                float[] v = embedded.vectors().get(j);
                checkVector(v, "records[" + toEmbed.get(j) + "].vector (from the embedder " + embedder.modelId() + ")");
                vectors[toEmbed.get(j)] = v;
            }
        }
        EmbeddingCache.Result cacheRows = embedded;
        String model = embedder == null ? null : embedder.modelId();
        return written(db.write(h -> {
            long now = System.currentTimeMillis();
            long seq = -1;
            try (RecordWriter writer = new RecordWriter(h, collectionId, actor())) {
                for (int i = 0; i < records.size(); i++) {
                    seq = writer.upsert(records.get(i), metadataJson.get(i), vectors[i], now);
                }
            } catch (java.sql.SQLException e) {
                throw new LiteMemException("writing records failed: " + e.getMessage(), e);
            }
            if (cacheRows != null) {
                EmbeddingCache.store(h, model, cacheRows.computed(), now);
            }
            return seq;
        }));
    }

    private <T> T written(T result) {
        store.written(collectionId);
        return result;
    }

    public Optional<Record> get(String id) {
        return db.read(h -> RecordRows.byId(h, collectionId, id));
    }

    /** The records with the given ids, in the order asked; ids that do not exist are left out. */
    public List<Record> getAll(List<String> ids) {
        Map<String, Record> found = new HashMap<>();
        db.read(h -> {
            for (String id : new java.util.LinkedHashSet<>(ids)) {
                RecordRows.byId(h, collectionId, id).ifPresent(r -> found.put(id, r));
            }
            return null;
        });
        List<Record> result = new ArrayList<>();
        for (String id : ids) {
            Record r = found.get(id);
            if (r != null) {
                result.add(r);
            }
        }
        return result;
    }

    /** Deletes one record; returns whether it existed. */
    public boolean delete(String id) {
        return deleteAll(List.of(id)) == 1;
    }

    /** Deletes the records with these ids in one transaction; returns how many existed. */
    public int deleteAll(List<String> ids) {
        return written(db.write(h -> {
            long now = System.currentTimeMillis();
            int deleted = 0;
            try (RecordWriter writer = new RecordWriter(h, collectionId, actor())) {
                for (String id : new java.util.LinkedHashSet<>(ids)) {
                    long rowId = writer.rowId(id);
                    if (rowId >= 0) {
                        writer.delete(rowId, id, now);
                        deleted++;
                    }
                }
            } catch (java.sql.SQLException e) {
                throw new LiteMemException("deleting records failed: " + e.getMessage(), e);
            }
            return deleted;
        }));
    }

    /** Deletes every record matching the filter in one transaction; returns how many were deleted. */
    public int deleteWhere(Filter filter) {
        SqlWhere where = SqlWhere.of(collectionId, filter);
        return written(db.write(h -> {
            List<Object[]> matches = RecordRows.matching(h, where);
            long now = System.currentTimeMillis();
            try (RecordWriter writer = new RecordWriter(h, collectionId, actor())) {
                for (Object[] m : matches) {
                    writer.delete((Long) m[0], (String) m[1], now);
                }
            } catch (java.sql.SQLException e) {
                throw new LiteMemException("deleting records failed: " + e.getMessage(), e);
            }
            return matches.size();
        }));
    }

    public long count() {
        return count(null);
    }

    /** How many records match the filter (all of them when it is null). */
    public long count(Filter filter) {
        SqlWhere where = SqlWhere.of(collectionId, filter);
        return db.read(h -> RecordRows.count(h, where));
    }

    /**
     * One page of records in id order, starting after {@code cursor} (null for the first page).
     *
     * @param limit 1 to 10,000 records per page
     */
    public Page<Record> list(String cursor, int limit) {
        return list(null, cursor, limit);
    }

    public Page<Record> list(Filter filter, String cursor, int limit) {
        if (limit < 1 || limit > 10_000) {
            throw new InvalidInputException("limit", "limit must be between 1 and 10000, was " + limit);
        }
        SqlWhere where = SqlWhere.of(collectionId, filter).after(cursor);
        List<Record> rows = db.read(h -> RecordRows.inIdOrder(h, where, limit + 1));
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<Record> page = rows.subList(0, limit);
        return new Page<>(page, page.get(limit - 1).id());
    }

    /** The k records nearest to the vector, best first. */
    public List<Hit> search(float[] vector, int k) {
        return search(SearchRequest.vector(vector).k(k));
    }

    /** The k records best matching the text, best first (hybrid: by meaning and by keywords). */
    public List<Hit> search(String text, int k) {
        return search(SearchRequest.text(text).k(k));
    }

    public List<Hit> search(SearchRequest request) {
        return query(request).hits();
    }

    /** Runs the search and says what ran: the semantic path, ef, how many rows the filter kept, each step's time. */
    public SearchResult query(SearchRequest request) {
        float[] vector = request.queryVector();
        SearchMode mode = request.effectiveMode();
        Embedder embedder = null;
        if (vector == null) {
            if (request.queryText().isBlank()) {
                throw new InvalidInputException("text", "the query text is empty: give some words to search for");
            }
            if (mode != SearchMode.KEYWORD) {
                embedder = embedderFor("text");
            }
        } else {
            checkVector(vector, "vector");
        }
        // The filter is compiled (and so validated) once, before any work; every step of the search reuses it.
        SqlWhere where = SqlWhere.of(collectionId, request.filter());
        Query query = new Query(request.queryText(), vector, request.k(), request.offset(), mode, where,
                request.fusion(), request.semanticWeight(), request.rrfK(), request.minScore(), request.mmrLambda(),
                request.exact(), request.ef(), request.includeVectors());
        return new Searcher(db).run(query, embedder, this::checkVector, semantic);
    }

    /** The index as the searcher sees it: searched as it is, caught up when the hits' statement shows it behind. */
    private final Searcher.SemanticSide semantic = new Searcher.SemanticSide() {
        @Override
        public List<Neighbor> search(Query query, float[] vector, int n, LongPredicate allowed, Map<String, Object> explain) {
            return semanticCandidates(query, vector, n, allowed, explain);
        }

        @Override
        public long collectionId() {
            return collectionId;
        }

        @Override
        public void catchUp() {
            index.catchUp();
        }
    };

    /** Runs an already compiled query (for the capabilities built on a collection: memory). */
    SearchResult run(Query query) {
        Embedder embedder = query.vector() == null && query.mode() != SearchMode.KEYWORD ? embedderFor("text") : null;
        return new Searcher(db).run(query, embedder, this::checkVector, semantic);
    }

    /** The embedder of this collection's model, for text to store. */
    Embedder textEmbedder() {
        return embedderFor("text");
    }

    long id() {
        return collectionId;
    }

    /** The index as it is (loaded, not caught up) and the last change it reflects: for memory's write path. */
    IndexAsIs indexAsIs() {
        long position = index.position(); // read first: the index reflects at least this much when searched
        return new IndexAsIs(index.loadedAsIs(), position);
    }

    private List<Neighbor> semanticCandidates(Query query, float[] vector, int n, LongPredicate allowed,
                                              Map<String, Object> explain) {
        VectorIndex vectors = index.readyForSearch();
        explain.put(Searcher.POSITION, index.position());
        if (query.exact()) {
            explain.put("path", "exact");
            return vectors.searchExact(vector, n, allowed);
        }
        int ef = query.ef() != null ? query.ef() : info.spec().hnsw().efSearch();
        if (query.ef() == null && allowed != null) {
            // A filter drops candidates during the walk and its selectivity is only estimated: by default, look
            // half as wide again (measured: recall@10 at 50% selectivity sat at 0.95 +- 0.01 without it).
            ef += ef / 2;
        }
        explain.put("path", "graph");
        explain.put("ef", Math.max(ef, n));
        return vectors.search(vector, n, ef, allowed);
    }

    /** Loads the vector index now (from its checkpoint, or the rows) instead of at the first search. */
    public IndexStats loadIndex() {
        index.ready();
        return index.stats();
    }

    /** Writes an index checkpoint now, so that the next open loads it instead of replaying the change log. */
    public IndexStats checkpointIndex() {
        index.ready();
        index.checkpoint();
        return index.stats();
    }

    /** Rebuilds the vector index from the rows now (it is also rebuilt by itself when its checkpoint is unusable). */
    public IndexStats rebuildIndex() {
        index.rebuild();
        return index.stats();
    }

    public IndexStats indexStats() {
        return index.stats();
    }

    /**
     * The live vector index, loaded and caught up, for benchmarks and tools: its labels are the records' row ids
     * ({@code records.row_id}), not record ids. Use {@link #search} for records.
     */
    public VectorIndex vectorIndex() {
        return index.ready();
    }

    /**
     * The record id of every label of {@link #vectorIndex()} (the records' row ids) in this collection, for tools
     * and benchmarks that search the index directly. Holds every record's id in memory.
     */
    public Map<Long, String> indexLabels() {
        return db.read(h -> RecordRows.ids(h, collectionId));
    }

    private Embedder embedderFor(String field) {
        String model = info.spec().model();
        if (model.equals(CollectionSpec.CALLER_VECTORS)) {
            throw new InvalidInputException(field, "collection '" + name() + "' holds vectors that the caller supplies (model "
                    + CollectionSpec.CALLER_VECTORS + "), so LiteMem cannot embed text for it: give " + field);
        }
        Embedder embedder = store.embedderFor(model).orElseThrow(() -> new LiteMemException("collection '" + name()
                + "' is filled by the model " + model + ", but this store has no embedder: open it with"
                + " LiteMemOptions.builder().embedder(...), add litemem-embedding to the class path, or supply vectors"));
        if (!embedder.modelId().equals(model)) {
            throw new LiteMemException("collection '" + name() + "' holds vectors of the model " + model + ", but this store's"
                    + " embedder is " + embedder.modelId() + ": vectors of different models cannot be compared; open the"
                    + " store with the embedder " + model + ", or use another collection");
        }
        return embedder;
    }

    private String validate(Record r, int index) {
        String at = "records[" + index + "]";
        if (r == null) {
            throw new InvalidInputException(at, at + " is null");
        }
        if (r.id().isBlank()) {
            throw new InvalidInputException(at + ".id", at + ".id is empty: give a non-blank id, or none to have one generated");
        }
        if (r.id().length() > MAX_ID_LENGTH) {
            throw new InvalidInputException(at + ".id", at + ".id has " + r.id().length() + " characters; at most "
                    + MAX_ID_LENGTH + " are allowed");
        }
        if (r.id().indexOf('\0') >= 0) {
            // Stored, it could never be asked for again: URLs refuse an encoded NUL, and so do most tools.
            throw new InvalidInputException(at + ".id", at + ".id contains a NUL character (U+0000): remove it");
        }
        if (r.text() == null && !r.hasVector()) {
            throw new InvalidInputException(at, at + " has neither text nor vector: give at least one");
        }
        if (r.text() != null && !r.hasVector() && r.text().isBlank()) {
            throw new InvalidInputException(at + ".text", at + ".text is empty or whitespace and there is no vector:"
                    + " give text to embed or a vector");
        }
        if (r.hasVector()) {
            checkVector(r.vectorNoCopy(), at + ".vector");
        }
        return Json.write(r.metadata(), at + ".metadata");
    }

    private void checkVector(float[] v, String field) {
        int expected = info.spec().dimension();
        if (v.length != expected) {
            throw new InvalidInputException(field, field + " has " + v.length + " dimensions, but collection '" + name()
                    + "' holds vectors of " + expected + " dimensions (model " + info.spec().model() + ")");
        }
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new InvalidInputException(field, field + " has a " + (Float.isNaN(v[i]) ? "NaN" : "infinite")
                        + " component at position " + i + ": every component must be a finite number");
            }
        }
        if (info.spec().metric() == Metric.COSINE) {
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            if (norm == 0) {
                throw new InvalidInputException(field, field + " is all zeros, which has no direction to compare by cosine");
            }
        }
    }

    @Override
    public String toString() {
        return "Collection[" + name() + ", " + info.spec() + "]";
    }
}
