package dev.litemem.internal.search;

import dev.litemem.internal.filter.SqlWhere;
import dev.litemem.internal.keyword.KeywordIndex;
import dev.litemem.internal.keyword.KeywordIndexes;
import dev.litemem.internal.keyword.Ranking;
import dev.litemem.internal.keyword.KeywordView;
import dev.litemem.internal.store.Database;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/** BM25 over the FTS5 index of record text, restricted to one collection and an optional filter. */
public final class KeywordSearch {
    static final int MAX_TERMS = 64;
    /** Pruning on (the default); -Dlitemem.keyword.prune=false scores every match, for comparisons. */
    static final boolean PRUNE = !"false".equals(System.getProperty("litemem.keyword.prune"));
    /** The first round scores the rows of the FIRST_FACTOR * n (at least FIRST_MIN) best bounds. */
    static final int FIRST_FACTOR = 8;
    static final int FIRST_MIN = 100;
    /**
     * Below this many rows in the index, scoring every match costs no more than pruning (measured: no gain at 10,000
     * rows, a quarter less at 100,000): no pruning. -Dlitemem.keyword.pruneMinRows=N sets it, e.g. 0 to run the
     * pruning on small evaluation sets.
     */
    static final long MIN_ROWS = Long.getLong("litemem.keyword.pruneMinRows", 50_000);

    private KeywordSearch() {
    }

    /** Ranks the best {@code n} rows of {@code where} by BM25 into {@code candidates} (their keyword rank and score). */
    static void search(Database db, SqlWhere where, String text, int n, Map<Long, Candidate> candidates) {
        List<String> phrases = phrases(text);
        if (phrases.isEmpty()) {
            return;
        }
        String match = String.join(" OR ", phrases);
        // One read transaction: the bounds, the rounds and a fallback all see the same snapshot of the index (a
        // commit between them could otherwise leave a bound computed from older counts).
        // The in-memory index only in a transaction begun here: the caller's own may hold uncommitted changes to FTS5.
        // (LiteMem's write transactions are BEGIN IMMEDIATE on an auto-commit connection, which Jdbi does not see.)
        List<Scored> best = db.read(h -> db.inWriteTransaction() || h.isInTransaction() ? best(h, where, phrases, match, n)
                : h.inTransaction(t -> {
                    List<Scored> indexed = indexed(db, t, where, phrases, n);
                    return indexed != null ? indexed : best(t, where, phrases, match, n);
                }));
        int rank = 0;
        for (Scored s : best) {
            Candidate c = candidates.computeIfAbsent(s.rowId(), Candidate::new);
            c.keywordRank = ++rank;
            c.keywordScore = (float) s.score();
        }
    }

    private static List<Scored> best(Handle h, SqlWhere where, List<String> phrases, String match, int n) {
        List<Scored> pruned = pruned(h, where, phrases, match, n, MIN_ROWS);
        return pruned != null ? pruned : ranked(h, where, match, n, null);
    }

    /** The first batch of ranked rows checked against the filter is this many times n (then doubling). */
    static final int CHECK_FACTOR = 2;
    /** Past this many times n rows checked, the filter keeps few of the best rows: FTS5 with the filter in its query. */
    static final int CHECK_LIMIT_FACTOR = 16;

    /**
     * The exact top {@code n} from the file's in-memory keyword index ({@link KeywordIndexes}) when it is current at
     * {@code h}'s snapshot and every phrase is one FTS5 token, else null. Rows come best first from the index and the
     * filter is checked on them in batches, in this read transaction, as the semantic side checks its candidates.
     */
    static List<Scored> indexed(Database db, Handle h, SqlWhere where, List<String> phrases, int n) {
        KeywordView index = KeywordIndexes.of(db).current(h);
        if (index == null) {
            return null;
        }
        List<String> tokens = new ArrayList<>(phrases.size());
        for (String phrase : phrases) {
            String token = KeywordIndex.singleToken(phrase.substring(1, phrase.length() - 1));
            if (token == null) {
                return null;
            }
            tokens.add(token);
        }
        Ranking ranking = index.rank(tokens);
        List<Scored> out = new ArrayList<>(n);
        int batch = Math.max(CHECK_FACTOR * n, 20);
        long[] ids = new long[0];
        double[] scores = new double[0];
        while (out.size() < n && ranking.taken() < ranking.matches()) {
            if (ranking.taken() >= (long) CHECK_LIMIT_FACTOR * n) {
                return null;
            }
            if (ids.length < batch) {
                ids = new long[batch];
                scores = new double[batch];
            }
            int got = ranking.next(batch, ids, scores);
            Set<Long> pass = CandidateCheck.passing(db, h, where, ids, got);
            for (int i = 0; i < got && out.size() < n; i++) {
                if (pass.contains(ids[i])) {
                    out.add(new Scored(ids[i], scores[i]));
                }
            }
            batch *= 2;
        }
        return out;
    }

    /** A row and its score (-bm25: higher is better). */
    record Scored(long rowId, double score) {
    }

    /**
     * The exact top {@code n} found by scoring only the rows whose BM25 bound can reach it ({@link TopBm25}), or null
     * when that cannot be shown cheaply or the index has fewer than {@code minRows} rows (then every match is scored).
     */
    static List<Scored> pruned(Handle h, SqlWhere where, List<String> phrases, String match, int n, long minRows) {
        if (!PRUNE) {
            return null;
        }
        TopBm25 bounds = TopBm25.of(h, phrases, minRows);
        if (bounds == null) {
            return null;
        }
        int count = Math.max(FIRST_FACTOR * n, FIRST_MIN);
        // Scoring a large part of the matches through the row-id filter costs more than scoring them all.
        if (count * 3L > bounds.listedRows()) {
            return null;
        }
        double[] outside = new double[1];
        long[] first = bounds.best(count, outside);
        List<Scored> ranked = ranked(h, where, match, n, first);
        // Exact when no row left out can reach the n-th score (strictly: a tie could win on its lower row id).
        if (ranked.size() == n && ranked.get(n - 1).score() > outside[0]) {
            return ranked;
        }
        if (ranked.size() < n) {
            return null; // the filter keeps few of the best-bound rows: no threshold to cut at
        }
        // Second round: every other row whose bound reaches the first round's n-th score (the true n-th score is at
        // least that), and nothing else; the two rounds' rows merged are then the exact top n.
        double threshold = ranked.get(n - 1).score();
        if (threshold <= bounds.unlisted()) {
            return null; // a row matching only the unlisted phrases could reach it
        }
        long[] second = bounds.atLeast(threshold, first);
        if ((long) (first.length + second.length) * 3 > bounds.listedRows()) {
            return null;
        }
        if (second.length == 0) {
            return ranked;
        }
        List<Scored> merged = new ArrayList<>(ranked);
        merged.addAll(ranked(h, where, match, n, second));
        merged.sort(BEST_FIRST);
        return new ArrayList<>(merged.subList(0, Math.min(n, merged.size())));
    }

    /** bm25()'s order: better score first, equal scores by row id. */
    private static final java.util.Comparator<Scored> BEST_FIRST = java.util.Comparator.comparingDouble((Scored s) -> -s.score())
            .thenComparingLong(Scored::rowId);

    /**
     * The best {@code n} rows of {@code where} matching {@code match}, by BM25 (equal scores by row id, so two files
     * with the same rows, a replica and its primary, rank and cut them alike); only rows of {@code only} when not null.
     */
    static List<Scored> ranked(Handle h, SqlWhere where, String match, int n, long[] only) {
        // bm25() is lower-is-better; it is negated so every score in LiteMem is higher-is-better. The row-id filter is
        // written +rowid so SQLite checks it on each match instead of handing it to FTS5, which would run the query
        // (and bm25's document counts) again for every listed row.
        String subset = only == null ? "" : " AND +records_fts.rowid IN (SELECT value FROM json_each(?))";
        SqlWhere.OwnRows own = where.ownRows();
        org.jdbi.v3.core.statement.Query q;
        int next;
        if (own != null) {
            // The capability's table alone decides (memory's scope): no read of each matching record's row, which
            // cost as much as the ranking itself when a query matches tens of thousands of rows.
            q = h.createQuery("SELECT records_fts.rowid, -bm25(records_fts) AS score FROM records_fts JOIN "
                    + own.table() + " ON " + own.alias() + ".row_id = records_fts.rowid WHERE records_fts MATCH ?" + subset
                    + " AND (" + own.clause() + ") ORDER BY bm25(records_fts), records_fts.rowid LIMIT " + n);
            next = bindSubset(q.bind(0, match), only);
            for (int i = 0; i < own.params().size(); i++) {
                q.bind(next + i, own.params().get(i));
            }
        } else {
            q = h.createQuery("SELECT r.row_id, -bm25(records_fts) AS score FROM records_fts"
                    + " JOIN records r ON r.row_id = records_fts.rowid" + where.joins() + " WHERE records_fts MATCH ?" + subset
                    + " AND " + where.sql() + " ORDER BY bm25(records_fts), r.row_id LIMIT " + n);
            next = bindSubset(q.bind(0, match), only);
            where.bind(q, next);
        }
        return q.map((rs, ctx) -> new Scored(rs.getLong(1), rs.getDouble(2))).list();
    }

    /** Binds the row-id list after the match (index 1) when there is one; the next free index. */
    private static int bindSubset(org.jdbi.v3.core.statement.Query q, long[] only) {
        if (only == null) {
            return 1;
        }
        StringBuilder json = new StringBuilder(only.length * 7 + 2).append('[');
        for (int i = 0; i < only.length; i++) {
            json.append(i == 0 ? "" : ",").append(only[i]);
        }
        q.bind(1, json.append(']').toString());
        return 2;
    }

    /** The quoted phrases of {@link #matchExpression}. */
    static List<String> phrases(String text) {
        String match = matchExpression(text);
        return match.isEmpty() ? List.of() : List.of(match.split(" OR "));
    }

    /**
     * The query's words as an FTS5 OR-query of quoted terms: user text never reaches FTS5's query syntax (operators,
     * column filters, NEAR) unquoted.
     */
    static String matchExpression(String text) {
        Set<String> terms = new LinkedHashSet<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i <= text.length() && terms.size() < MAX_TERMS; i++) {
            int c = i < text.length() ? text.codePointAt(i) : ' ';
            if (Character.isLetterOrDigit(c)) {
                word.appendCodePoint(c);
                if (Character.isSupplementaryCodePoint(c)) {
                    i++;
                }
            } else if (word.length() > 0) {
                terms.add(word.toString().toLowerCase(Locale.ROOT));
                word.setLength(0);
            }
        }
        List<String> quoted = new ArrayList<>();
        for (String term : terms) {
            quoted.add('"' + term + '"');
        }
        return String.join(" OR ", quoted);
    }
}
