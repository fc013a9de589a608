package dev.litemem.internal.search;

import dev.litemem.Embedder;
import dev.litemem.Hit;
import dev.litemem.InvalidInputException;
import dev.litemem.LiteMemException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import dev.litemem.Record;
import dev.litemem.SearchMode;
import dev.litemem.SearchResult;
import dev.litemem.index.Neighbor;
import dev.litemem.internal.filter.RowFilter;
import dev.litemem.internal.filter.SqlWhere;
import dev.litemem.internal.store.Database;
import dev.litemem.internal.store.RecordRows;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * Runs one {@link Query}: filter, embed, semantic and keyword candidates, fusion, MMR, paging, record loading. The
 * filter's SQL runs once per search: as the row ids the semantic side may return (their count is the filter's
 * size), or as a count when only the keyword side runs (which applies the same compiled clause in its own query).
 */
public final class Searcher {
    /** How deep each side of a hybrid search looks, at least: fusion needs more than the k it returns. */
    static final int MIN_FUSION_DEPTH = 100;

    /** The collection's vector index. */
    public interface SemanticSide {
        /**
         * The best {@code n} rows for the query vector, among the {@code allowed} ones (null: all); {@code explain}
         * receives the path taken and the ef.
         */
        List<Neighbor> search(Query query, float[] vector, int n, LongPredicate allowed, Map<String, Object> explain);

        long collectionId();

        /** Applies the committed changes the index does not reflect yet. */
        void catchUp();
    }

    /**
     * The key under which {@link SemanticSide#search} puts the sequence number of the last change the index reflected
     * when it was searched (read before the walk).
     */
    public static final String POSITION = "position";

    /** How many times a search runs again after finding its index behind the change log (other processes writing). */
    static final int MAX_RERUNS = 3;

    /** Validates a query vector against the collection (dimension, finite, not all zeros for cosine). */
    public interface VectorCheck {
        void check(float[] vector, String field);
    }

    private final Database db;

    public Searcher(Database db) {
        this.db = db;
    }

    /**
     * @param embedder embeds {@link Query#text()} when the query has no vector and the mode is not keyword
     * @param check    validates the embedded query vector (a caller's vector is validated before the search)
     */
    public SearchResult run(Query query, Embedder embedder, VectorCheck check, SemanticSide semantic) {
        float[][] embedded = new float[1][];
        for (int run = 0; ; run++) {
            Loaded loaded = runOnce(query, embedder, check, semantic, embedded);
            // One statement read the hits and the collection's change-log position: if a change committed (by any
            // process) that the index did not reflect when it was searched, catch up and search again.
            if (loaded.indexPosition < 0 || loaded.logPosition <= loaded.indexPosition || run == MAX_RERUNS) {
                return loaded.result;
            }
            semantic.catchUp();
        }
    }

    private record Loaded(SearchResult result, long indexPosition, long logPosition) {
    }

    private Loaded runOnce(Query query, Embedder embedder, VectorCheck check, SemanticSide semantic,
                           float[][] embedded) {
        SearchMode mode = query.mode();
        if (query.text() == null && mode != SearchMode.SEMANTIC) {
            throw new InvalidInputException("mode", mode.id() + " search needs query text; a vector query is semantic only");
        }
        Map<String, Double> steps = new LinkedHashMap<>();
        Map<String, Object> explain = new HashMap<>();
        int wanted = query.k() + query.offset();
        int depth = mode == SearchMode.HYBRID ? Math.max(wanted, MIN_FUSION_DEPTH) : wanted;
        if (query.mmrLambda() != null) {
            depth = Math.max(depth, Math.max(4 * wanted, 50));
        }
        SqlWhere where = query.where();
        Long filterCandidates = null;
        LongPredicate allowed = null;
        boolean probeFirst = where.checksCandidates() && mode != SearchMode.KEYWORD;
        if (where.filtered() && !probeFirst) {
            long started = System.nanoTime();
            if (mode == SearchMode.KEYWORD) {
                filterCandidates = db.read(h -> where.bind(h.createQuery("SELECT count(*) FROM " + where.from() + " WHERE "
                        + where.sql())).mapTo(Long.class).one());
            } else {
                RowFilter rows = RowFilter.matching(db, where);
                allowed = rows;
                filterCandidates = rows.count();
            }
            steps.put("filter", millisSince(started));
        }

        Map<Long, Candidate> byRow = new LinkedHashMap<>();
        float[] vector = query.vector();
        if (mode != SearchMode.KEYWORD) {
            if (vector == null && embedded[0] != null) {
                vector = embedded[0]; // a rerun does not embed again
            } else if (vector == null) {
                long started = System.nanoTime();
                vector = embedder.embed(query.text());
                steps.put("embed", millisSince(started));
                check.check(vector, "vector");
                embedded[0] = vector;
            }
            long started = System.nanoTime();
            List<Neighbor> nearest = probeFirst ? probeThenCheck(query, vector, depth, wanted, semantic, explain, steps)
                    : semantic.search(query, vector, depth, allowed, explain);
            for (int i = 0; i < nearest.size(); i++) {
                Candidate c = byRow.computeIfAbsent(nearest.get(i).label(), Candidate::new);
                c.semanticRank = i + 1;
                c.semanticScore = nearest.get(i).score();
            }
            steps.put("semantic", millisSince(started));
        }
        if (mode != SearchMode.SEMANTIC) {
            long started = System.nanoTime();
            KeywordSearch.search(db, where, query.text(), depth, byRow);
            steps.put("keyword", millisSince(started));
        }

        long fuseStarted = System.nanoTime();
        if (mode == SearchMode.HYBRID) {
            HybridFusion.score(byRow.values(), query.fusion(), query.semanticWeight(), query.rrfK());
        } else {
            byRow.values().forEach(c -> c.score = mode == SearchMode.SEMANTIC ? c.semanticScore : c.keywordScore);
        }
        List<Candidate> ranked = new ArrayList<>(byRow.values());
        ranked.sort(Comparator.comparingDouble((Candidate c) -> c.score).reversed().thenComparingLong(c -> c.rowId));
        if (query.minScore() != null) {
            ranked.removeIf(c -> c.score < query.minScore());
        }
        if (query.mmrLambda() != null && vector != null) {
            ranked = Mmr.rerank(db, vector, ranked, wanted, query.mmrLambda());
        }
        steps.put("fuse", millisSince(fuseStarted));

        List<Candidate> page = ranked.subList(Math.min(query.offset(), ranked.size()), Math.min(wanted, ranked.size()));
        long loadStarted = System.nanoTime();
        // The change the index reflected when it was searched (-1: no index searched).
        long indexPosition = explain.containsKey(POSITION) ? (Long) explain.remove(POSITION) : -1;
        Map<Long, Record> records = new HashMap<>();
        long logPosition = load(page, query.includeVectors(), indexPosition < 0 ? -1 : semantic.collectionId(), records);
        steps.put("load", millisSince(loadStarted));
        List<Hit> hits = new ArrayList<>(page.size());
        for (Candidate c : page) {
            Record r = records.get(c.rowId);
            if (r != null) { // deleted since the index was searched (and it still was after the reruns)
                hits.add(new Hit(r, c.score, c.semanticRank, c.semanticScore, c.keywordRank, c.keywordScore));
            }
        }
        return new Loaded(new SearchResult(hits, mode, (String) explain.get("path"), (Integer) explain.get("ef"),
                filterCandidates, steps), indexPosition, logPosition);
    }

    /**
     * The semantic side of a clause checked on candidates ({@link SqlWhere#checksCandidates}), as a search engine
     * post-filters: the index's best {@value #PROBE_FACTOR} x {@code depth} without a filter, then the clause checked on
     * them in one statement. When fewer than {@code wanted} (the page asked for) survive while the index had more to
     * give, the clause keeps few rows near the query: the walk runs again with the clause's rows as its filter, read
     * then (a clause that fails the probe keeps few rows, so reading them is cheap exactly when it is needed). Between
     * {@code wanted} and {@code depth} survivors are kept as they are: the rows past them would only have been fusion
     * candidates of the lowest semantic ranks.
     */
    private List<Neighbor> probeThenCheck(Query query, float[] vector, int depth, int wanted, SemanticSide semantic,
                                          Map<String, Object> explain, Map<String, Double> steps) {
        SqlWhere where = query.where();
        int probe = PROBE_FACTOR * depth;
        List<Neighbor> nearest = semantic.search(query, vector, probe, null, explain);
        long started = System.nanoTime();
        List<Neighbor> kept = new ArrayList<>(Math.min(depth, nearest.size()));
        if (!nearest.isEmpty()) {
            java.util.Set<Long> pass = check(where, nearest);
            for (Neighbor n : nearest) { // best first
                if (pass.contains(n.label()) && kept.size() < depth) {
                    kept.add(n);
                }
            }
        }
        steps.put("check", millisSince(started));
        if (kept.size() >= Math.min(wanted, depth) || nearest.size() < probe) {
            return kept; // enough, or all the index had
        }
        started = System.nanoTime();
        RowFilter rows = RowFilter.matching(db, where);
        steps.put("filter", millisSince(started));
        return semantic.search(query, vector, depth, rows, explain);
    }

    /** Which of the candidates the clause keeps: one statement (row ids as a JSON array), plain JDBC (it is hot). */
    private java.util.Set<Long> check(SqlWhere where, List<Neighbor> candidates) {
        long[] ids = new long[candidates.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = candidates.get(i).label();
        }
        return db.read(h -> CandidateCheck.passing(db, h, where, ids, ids.length));
    }

    /** How many times the wanted depth a search with a checked clause takes from the index before checking. */
    static final int PROBE_FACTOR = 2;

    /**
     * Loads the records of {@code rows} into {@code out} in one statement, which also reads the collection's newest
     * change-log position (0 for a keyword search, {@code collectionId} -1, which needs none); returns that position.
     */
    private long load(List<Candidate> rows, boolean withVectors, long collectionId, Map<Long, Record> out) {
        if (rows.isEmpty()) {
            return collectionId < 0 ? 0 : db.read(h -> h.createQuery(LOG_POSITION).bind(0, collectionId)
                    .mapTo(Long.class).one());
        }
        StringBuilder ids = new StringBuilder("[");
        for (Candidate c : rows) {
            ids.append(ids.length() == 1 ? "" : ",").append(c.rowId);
        }
        // One statement of one text whatever the hits (a JSON array of row ids), so its parse is cached.
        String rowIds = ids.append(']').toString();
        String sql = withVectors ? LOAD_WITH_VECTORS : LOAD;
        return db.read(h -> {
            // Plain JDBC on the handle's connection: this statement runs once per search, and Jdbi's statement
            // machinery (a copy of its configuration, argument binding, result iteration) cost about what SQLite did.
            long position = 0;
            try {
                PreparedStatement statement = db.prepared(h, sql);
                statement.setLong(1, collectionId);
                statement.setString(2, rowIds);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        position = rs.getLong("log_position");
                        out.put(rs.getLong("row_id"), RecordRows.map(rs));
                    }
                }
            } catch (SQLException e) {
                throw new LiteMemException("SQLite failed while reading the hits: " + e.getMessage(), e);
            }
            return position;
        });
    }

    /** The newest change of a collection (its index on (collection_id, seq) answers it from one page). */
    private static final String LOG_POSITION = "SELECT coalesce(max(seq), 0) FROM changes WHERE collection_id = ?";
    /** The hits' records (row ids as a JSON array: one statement text whatever the hits) and the log's position. */
    private static final String LOAD = "SELECT " + RecordRows.COLUMNS_WITHOUT_VECTOR + ", (" + LOG_POSITION
            + ") AS log_position FROM records r WHERE r.row_id IN (SELECT value FROM json_each(?))";
    private static final String LOAD_WITH_VECTORS = "SELECT " + RecordRows.COLUMNS + ", (" + LOG_POSITION
            + ") AS log_position FROM records r WHERE r.row_id IN (SELECT value FROM json_each(?))";

    private static double millisSince(long started) {
        return (System.nanoTime() - started) / 1e6;
    }
}
