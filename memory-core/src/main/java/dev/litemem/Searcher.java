package dev.litemem;

import dev.litemem.internal.Database;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs one {@link SearchRequest}: embed, semantic and keyword candidates, fusion, MMR, paging, record loading. */
final class Searcher {
    /** How deep each side of a hybrid search looks, at least: fusion needs more than the k it returns. */
    static final int MIN_FUSION_DEPTH = 100;

    interface SemanticSide {
        /** The best {@code n} rows for the query vector; {@code explain} receives the path taken and the ef. */
        List<Candidate> search(float[] query, int n, Filter filter, SearchRequest request, Map<String, Object> explain);
    }

    private final Database db;
    private final long collectionId;

    Searcher(Database db, long collectionId) {
        this.db = db;
        this.collectionId = collectionId;
    }

    SearchResult run(SearchRequest request, float[] queryVector, Embedder embedder, SemanticSide semantic) {
        SearchMode mode = request.effectiveMode();
        if (request.queryText() == null && mode != SearchMode.SEMANTIC) {
            throw new InvalidInputException("mode", mode.id() + " search needs query text; a vector query is semantic only");
        }
        Map<String, Double> steps = new LinkedHashMap<>();
        Map<String, Object> explain = new HashMap<>();
        int wanted = request.k() + request.offset();
        int depth = mode == SearchMode.HYBRID ? Math.max(wanted, MIN_FUSION_DEPTH) : wanted;
        if (request.mmrLambda() != null) {
            depth = Math.max(depth, Math.max(4 * wanted, 50));
        }
        Long filterCandidates = null;
        if (request.filter() != null) {
            long started = System.nanoTime();
            SqlWhere where = SqlWhere.of(collectionId, request.filter());
            filterCandidates = db.read(h -> where.bind(h.createQuery("SELECT count(*) FROM records r WHERE " + where.sql()))
                    .mapTo(Long.class).one());
            steps.put("filter", millisSince(started));
        }

        List<Candidate> semanticHits = List.of();
        float[] vector = queryVector;
        if (mode != SearchMode.KEYWORD) {
            if (vector == null) {
                long started = System.nanoTime();
                vector = embedder.embed(request.queryText());
                steps.put("embed", millisSince(started));
            }
            long started = System.nanoTime();
            semanticHits = semantic.search(vector, depth, request.filter(), request, explain);
            steps.put("semantic", millisSince(started));
        }
        List<Candidate> keywordHits = List.of();
        if (mode != SearchMode.SEMANTIC) {
            long started = System.nanoTime();
            keywordHits = KeywordSearch.search(db, collectionId, request.queryText(), depth, request.filter());
            steps.put("keyword", millisSince(started));
        }

        long fuseStarted = System.nanoTime();
        Map<Long, Scored> byRow = new LinkedHashMap<>();
        for (int i = 0; i < semanticHits.size(); i++) {
            Scored s = byRow.computeIfAbsent(semanticHits.get(i).rowId(), Scored::new);
            s.semanticRank = i + 1;
            s.semanticScore = semanticHits.get(i).score();
        }
        for (int i = 0; i < keywordHits.size(); i++) {
            Scored s = byRow.computeIfAbsent(keywordHits.get(i).rowId(), Scored::new);
            s.keywordRank = i + 1;
            s.keywordScore = keywordHits.get(i).score();
        }
        if (mode == SearchMode.HYBRID) {
            HybridFusion.score(byRow.values(), request.fusion(), request.semanticWeight(), request.rrfK());
        } else {
            byRow.values().forEach(s -> s.score = mode == SearchMode.SEMANTIC ? s.semanticScore : s.keywordScore);
        }
        List<Scored> ranked = new ArrayList<>(byRow.values());
        ranked.sort(Comparator.comparingDouble((Scored s) -> s.score).reversed().thenComparingLong(s -> s.rowId));
        if (request.minScore() != null) {
            ranked.removeIf(s -> s.score < request.minScore());
        }
        if (request.mmrLambda() != null && vector != null) {
            ranked = Mmr.rerank(db, vector, ranked, wanted, request.mmrLambda());
        }
        steps.put("fuse", millisSince(fuseStarted));

        List<Scored> page = ranked.subList(Math.min(request.offset(), ranked.size()), Math.min(wanted, ranked.size()));
        long loadStarted = System.nanoTime();
        Map<Long, Record> records = load(page);
        steps.put("load", millisSince(loadStarted));
        List<Hit> hits = new ArrayList<>(page.size());
        for (Scored s : page) {
            hits.add(new Hit(records.get(s.rowId), s.score, s.semanticRank, s.semanticScore, s.keywordRank, s.keywordScore));
        }
        return new SearchResult(hits, mode, (String) explain.get("path"), (Integer) explain.get("ef"), filterCandidates, steps);
    }

    private Map<Long, Record> load(List<Scored> rows) {
        if (rows.isEmpty()) {
            return Map.of();
        }
        StringBuilder in = new StringBuilder();
        for (Scored s : rows) {
            in.append(in.length() == 0 ? "" : ",").append(s.rowId);
        }
        // Row ids are longs we produced, not user input.
        return db.read(h -> {
            Map<Long, Record> out = new HashMap<>();
            h.createQuery("SELECT " + RecordRows.COLUMNS + " FROM records r WHERE r.row_id IN (" + in + ")")
                    .map((rs, ctx) -> out.put(rs.getLong("row_id"), RecordRows.map(rs))).forEach(x -> { });
            return out;
        });
    }

    private static double millisSince(long started) {
        return (System.nanoTime() - started) / 1e6;
    }

    /** A row being ranked, with what each side said of it. */
    static final class Scored {
        final long rowId;
        Integer semanticRank;
        Float semanticScore;
        Integer keywordRank;
        Float keywordScore;
        float score;

        Scored(long rowId) {
            this.rowId = rowId;
        }
    }
}
