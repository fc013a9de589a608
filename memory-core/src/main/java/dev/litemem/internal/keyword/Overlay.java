package dev.litemem.internal.keyword;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;

/**
 * What changed in FTS5 since a {@link KeywordIndex} was built, at one later snapshot: the rows the change log names
 * after the index's position, each replaced by its text of that snapshot tokenized by FTS5's own tokenizer (or gone),
 * and FTS5's row count and token total of that snapshot. Valid for the snapshot whose averages and structure records it
 * holds; accepted only when the counts add up (the base's counts, minus the replaced rows' old lengths, plus their new
 * ones, equal FTS5's averages record). Immutable.
 */
final class Overlay {
    /** The changed rows the change log names: current token counts, or {@link #GONE}. */
    record Row(int length, Map<String, Integer> terms) {
    }

    static final Row GONE = new Row(0, Map.of());

    final KeywordIndex base;
    final byte[] averages;
    final byte[] structure;
    final long seq;
    final Map<Long, Row> rows;
    final long nRow;
    final double avgdl;
    /** Base row numbers replaced or deleted (ascending), and the same as flags. */
    final int[] removed;
    final boolean[] isRemoved;
    /** Rows present now among the changed ones: ids, lengths, and per term their positions here with counts. */
    final long[] addedRowIds;
    final int[] addedLengths;
    final Map<String, int[][]> addedPostings;
    private final Map<String, long[]> statistics = new ConcurrentHashMap<>();

    private Overlay(KeywordIndex base, byte[] averages, byte[] structure, long seq, Map<Long, Row> rows, long nRow,
                    double avgdl, int[] removed, long[] addedRowIds, int[] addedLengths, Map<String, int[][]> addedPostings) {
        this.base = base;
        this.averages = averages;
        this.structure = structure;
        this.seq = seq;
        this.rows = rows;
        this.nRow = nRow;
        this.avgdl = avgdl;
        this.removed = removed;
        this.isRemoved = new boolean[base.rowCount()];
        for (int r : removed) {
            isRemoved[r] = true;
        }
        this.addedRowIds = addedRowIds;
        this.addedLengths = addedLengths;
        this.addedPostings = addedPostings;
    }

    boolean matches(byte[] averages, byte[] structure) {
        return Arrays.equals(this.averages, averages) && Arrays.equals(this.structure, structure);
    }

    /** The changed rows held (the catch-up's size). */
    int size() {
        return rows.size();
    }

    /** A term's {df, idf bits} at this snapshot, computed once. */
    long[] statistics(String term) {
        return statistics.get(term);
    }

    void remember(String term, long[] value) {
        statistics.put(term, value);
    }

    /**
     * The catch-up of {@code base} at {@code h}'s snapshot (whose FTS5 records are {@code records}), extending
     * {@code previous} when it is of the same base and not newer than this snapshot; null when the change log cannot
     * say what changed (another incarnation, pruned past the base's position, the base's last change no longer there),
     * more than {@code limit} rows changed, or the counts do not add up.
     */
    static Overlay of(Handle h, KeywordIndex base, Overlay previous, byte[][] records, int limit) throws SQLException {
        var c = h.getConnection();
        long seq;
        try (PreparedStatement s = c.prepareStatement("SELECT (SELECT value FROM meta WHERE key = 'incarnation'),"
                + " (SELECT coalesce(max(seq), 0) FROM changes), (SELECT value FROM meta WHERE key = 'changelog.pruned_through'),"
                + " (SELECT at || '|' || record_id || '|' || coalesce(row_id, '') || '|' || op FROM changes WHERE seq = ?)")) {
            s.setLong(1, base.seq());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                seq = rs.getLong(2);
                String pruned = rs.getString(3);
                if (!base.incarnation().equals(rs.getString(1)) || seq < base.seq()
                        || (pruned != null && Long.parseLong(pruned) > base.seq())
                        || !base.lastChange().equals(rs.getString(4) == null ? "" : rs.getString(4))) {
                    return null;
                }
            }
        }
        boolean extend = previous != null && previous.base == base && previous.seq <= seq;
        long from = extend ? previous.seq : base.seq();
        List<Long> changed = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT DISTINCT row_id FROM changes WHERE seq > ? AND seq <= ? AND row_id IS NOT NULL")) {
            s.setLong(1, from);
            s.setLong(2, seq);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    changed.add(rs.getLong(1));
                    if (changed.size() > limit) {
                        return null;
                    }
                }
            }
        }
        Map<Long, Row> rows = new HashMap<>(extend ? previous.rows : Map.of());
        if (rows.size() + changed.size() > limit) {
            return null;
        }
        // The changed rows' text and FTS5 length at this snapshot; a row FTS5 does not hold is gone.
        Map<Long, String> texts = new HashMap<>();
        Map<Long, Integer> lengths = new HashMap<>();
        StringBuilder json = new StringBuilder("[");
        for (Long id : changed) {
            json.append(json.length() == 1 ? "" : ",").append(id);
        }
        try (PreparedStatement s = c.prepareStatement("SELECT d.id, d.sz, r.text FROM records_fts_docsize d"
                + " LEFT JOIN records r ON r.row_id = d.id WHERE d.id IN (SELECT value FROM json_each(?))")) {
            s.setString(1, json.append(']').toString());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long[] size = KeywordIndex.varints(rs.getBytes(2));
                    String text = rs.getString(3);
                    if (size.length != 1 || text == null) {
                        return null; // FTS5 holds a row the records do not: not the table this mirrors
                    }
                    lengths.put(rs.getLong(1), (int) size[0]);
                    texts.put(rs.getLong(1), text);
                }
            }
        }
        Map<Long, Map<String, Integer>> tokens = FtsTokens.get().documents(texts);
        for (Long id : changed) {
            Integer length = lengths.get(id);
            if (length == null) {
                rows.put(id, GONE);
                continue;
            }
            Map<String, Integer> terms = tokens.getOrDefault(id, Map.of());
            int count = terms.values().stream().mapToInt(Integer::intValue).sum();
            if (count != length) {
                return null; // not the tokens FTS5 counted
            }
            rows.put(id, new Row(length, Map.copyOf(terms)));
        }
        // Base rows replaced, rows present now, and the counts FTS5's averages record must show.
        long[] totals = KeywordIndex.varints(records[0]);
        List<Integer> removed = new ArrayList<>();
        long nRow = base.rows();
        long tokenTotal = base.tokens();
        List<Long> added = new ArrayList<>();
        for (Map.Entry<Long, Row> e : rows.entrySet()) {
            int at = base.position(e.getKey());
            if (at >= 0) {
                removed.add(at);
                nRow--;
                tokenTotal -= base.length(at);
            }
            if (e.getValue() != GONE) {
                added.add(e.getKey());
                nRow++;
                tokenTotal += e.getValue().length();
            }
        }
        if (totals.length != 2 || totals[0] != nRow || totals[1] != tokenTotal || nRow <= 0) {
            return null;
        }
        added.sort(null);
        long[] addedRowIds = new long[added.size()];
        int[] addedLengths = new int[added.size()];
        Map<String, List<int[]>> postings = new HashMap<>();
        for (int i = 0; i < addedRowIds.length; i++) {
            Row row = rows.get(added.get(i));
            addedRowIds[i] = added.get(i);
            addedLengths[i] = row.length();
            for (Map.Entry<String, Integer> t : row.terms().entrySet()) {
                postings.computeIfAbsent(t.getKey(), k -> new ArrayList<>()).add(new int[] {i, t.getValue()});
            }
        }
        Map<String, int[][]> addedPostings = new HashMap<>();
        postings.forEach((term, list) -> addedPostings.put(term, list.toArray(new int[0][])));
        int[] removedRows = removed.stream().mapToInt(Integer::intValue).sorted().toArray();
        // As fts5_aux.c: avgdl = (double)nToken / (double)nRow.
        return new Overlay(base, records[0], records[1], seq, Map.copyOf(rows), nRow, (double) tokenTotal / (double) nRow,
                removedRows, addedRowIds, addedLengths, addedPostings);
    }
}
