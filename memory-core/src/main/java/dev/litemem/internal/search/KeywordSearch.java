package dev.litemem.internal.search;

import dev.litemem.internal.filter.SqlWhere;
import dev.litemem.internal.store.Database;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** BM25 over the FTS5 index of record text, restricted to one collection and an optional filter. */
public final class KeywordSearch {
    static final int MAX_TERMS = 64;

    private KeywordSearch() {
    }

    /** Ranks the best {@code n} rows of {@code where} by BM25 into {@code candidates} (their keyword rank and score). */
    static void search(Database db, SqlWhere where, String text, int n, Map<Long, Candidate> candidates) {
        String match = matchExpression(text);
        if (match.isEmpty()) {
            return;
        }
        // bm25() is lower-is-better; negate it so every score in LiteMem is higher-is-better. Equal scores are ordered by
        // row id, so two files with the same rows (a replica and its primary) rank and cut them alike.
        SqlWhere.OwnRows own = where.ownRows();
        if (own != null) {
            // The capability's table alone decides (memory's scope): no read of each matching record's row, which
            // cost as much as the ranking itself when a query matches tens of thousands of rows.
            db.read(h -> {
                var q = h.createQuery("SELECT records_fts.rowid, -bm25(records_fts) AS score FROM records_fts JOIN "
                        + own.table() + " ON " + own.alias() + ".row_id = records_fts.rowid WHERE records_fts MATCH ?"
                        + " AND (" + own.clause() + ") ORDER BY bm25(records_fts), records_fts.rowid LIMIT " + n).bind(0, match);
                for (int i = 0; i < own.params().size(); i++) {
                    q.bind(i + 1, own.params().get(i));
                }
                rank(q, candidates);
                return null;
            });
            return;
        }
        db.read(h -> {
            rank(where.bind(h.createQuery("SELECT r.row_id, -bm25(records_fts) AS score FROM records_fts"
                            + " JOIN records r ON r.row_id = records_fts.rowid" + where.joins() + " WHERE records_fts MATCH ? AND " + where.sql()
                            + " ORDER BY bm25(records_fts), r.row_id LIMIT " + n).bind(0, match), 1), candidates);
            return null;
        });
    }

    /** Row ids and scores, best first, into the candidates' keyword rank and score. */
    private static void rank(org.jdbi.v3.core.statement.Query q, Map<Long, Candidate> candidates) {
        int[] rank = {0};
        q.map((rs, ctx) -> {
            Candidate c = candidates.computeIfAbsent(rs.getLong(1), Candidate::new);
            c.keywordRank = ++rank[0];
            c.keywordScore = rs.getFloat(2);
            return c;
        }).forEach(c -> { });
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
