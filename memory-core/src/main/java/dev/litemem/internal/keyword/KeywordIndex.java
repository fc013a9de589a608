package dev.litemem.internal.keyword;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * An immutable in-memory copy of the FTS5 index {@code records_fts} at one snapshot of the file: for every token, the
 * rows holding it (ascending) and how often; every row's length in tokens; the row count and token total of FTS5's
 * averages record. It ranks an OR-query of single-token phrases exactly as bm25() does (same statistics, same formula,
 * same order of operations in double, idf from SQLite's {@code ln()}), term at a time, without the per-match work FTS5
 * does. It is valid only for the snapshot whose averages and structure records ({@code records_fts_data} ids 1 and 10)
 * it was built from: every committed change to an FTS5 table rewrites its structure record (FTS5 writes a new segment
 * and bumps its write counter at each commit), so equal records mean the same index. See {@link KeywordIndexes}.
 */
public final class KeywordIndex {
    /** bm25()'s constants (fts5_aux.c). */
    private static final double K1 = 1.2;
    private static final double B = 0.75;

    private final byte[] averages;
    private final byte[] structure;
    /** The change log at the build's snapshot: the file's incarnation, newest seq, and that change (at|id|row|op). */
    private final String incarnation;
    private final long seq;
    private final String lastChange;
    private final long rows;
    private final long tokens;
    private final double avgdl;
    /** Row ids ascending; a row's position here is its number in the postings. */
    private final long[] rowIds;
    private final int[] lengths;
    private final Map<String, Integer> terms;
    /** Term t's postings are rows[start[t] .. start[t+1]) with freqs at the same positions. */
    private final int[] start;
    private final int[] postingRows;
    private final int[] freqs;
    private final double[] idf;

    private KeywordIndex(byte[] averages, byte[] structure, String[] log, long rows, long tokens, double avgdl,
                         long[] rowIds, int[] lengths, Map<String, Integer> terms, int[] start, int[] postingRows,
                         int[] freqs, double[] idf) {
        this.averages = averages;
        this.structure = structure;
        this.incarnation = log[0];
        this.seq = Long.parseLong(log[1]);
        this.lastChange = log[2];
        this.rows = rows;
        this.tokens = tokens;
        this.avgdl = avgdl;
        this.rowIds = rowIds;
        this.lengths = lengths;
        this.terms = terms;
        this.start = start;
        this.postingRows = postingRows;
        this.freqs = freqs;
        this.idf = idf;
    }

    /** FTS5's one token of a query word, or null when the tokenizer makes none or several of it (a phrase). */
    public static String singleToken(String word) {
        List<String> tokens = FtsTokens.get().tokens(word);
        return tokens.size() == 1 ? tokens.get(0) : null;
    }

    /** Whether this index is exactly FTS5's at a snapshot with these averages and structure records. */
    boolean matches(byte[] averages, byte[] structure) {
        return Arrays.equals(this.averages, averages) && Arrays.equals(this.structure, structure);
    }

    /** Rows in the index (FTS5's nRow). */
    public long rows() {
        return rows;
    }

    long tokens() {
        return tokens;
    }

    String incarnation() {
        return incarnation;
    }

    long seq() {
        return seq;
    }

    String lastChange() {
        return lastChange;
    }

    int rowCount() {
        return rowIds.length;
    }

    /** A row's number here, or negative when the index does not hold it. */
    int position(long rowId) {
        return Arrays.binarySearch(rowIds, rowId);
    }

    int length(int position) {
        return lengths[position];
    }

    /** Distinct tokens. */
    public int terms() {
        return terms.size();
    }

    /** What the index holds on the heap, estimated (arrays, and about 100 bytes a term for its map entry and text). */
    public long bytes() {
        return 12L * rowIds.length + 8L * postingRows.length + 4L * start.length + 8L * idf.length + 100L * terms.size();
    }

    /**
     * The index of {@code h}'s snapshot (the caller holds one read transaction, in which it read FTS5's averages and
     * structure {@code records}), or null when FTS5's own records do
     * not add up (row count or token total against the averages record) or the table is not the one this class knows.
     */
    static KeywordIndex build(Handle h, byte[][] records) throws SQLException {
        String declared = h.createQuery("SELECT sql FROM sqlite_master WHERE name = 'records_fts'").mapTo(String.class)
                .findOne().orElse("");
        if (!declared.contains("tokenize = '" + FtsTokens.TOKENIZE + "'")) {
            return null;
        }
        String[] log = h.createQuery("SELECT (SELECT value FROM meta WHERE key = 'incarnation'),"
                + " (SELECT coalesce(max(seq), 0) FROM changes),"
                + " (SELECT at || '|' || record_id || '|' || coalesce(row_id, '') || '|' || op FROM changes"
                + " ORDER BY seq DESC LIMIT 1)")
                .map((rs, ctx) -> new String[] {rs.getString(1), String.valueOf(rs.getLong(2)),
                        rs.getString(3) == null ? "" : rs.getString(3)}).one();
        if (log[0] == null) {
            return null;
        }
        long[] totals = varints(records[0]);
        if (totals.length != 2) {
            return null; // one column, so nRow and one token total
        }
        long rows = totals[0];
        long tokens = totals[1];
        if (rows <= 0 || rows > Integer.MAX_VALUE) {
            return null;
        }
        long[] rowIds = new long[(int) rows];
        int[] lengths = new int[(int) rows];
        int n = 0;
        long sum = 0;
        var connection = h.getConnection();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, sz FROM records_fts_docsize ORDER BY id")) {
            while (rs.next()) {
                if (n == rowIds.length) {
                    return null;
                }
                long[] size = varints(rs.getBytes(2));
                rowIds[n] = rs.getLong(1);
                lengths[n] = size.length == 1 ? (int) size[0] : -1;
                if (lengths[n] < 0) {
                    return null;
                }
                sum += lengths[n++];
            }
        }
        if (n != rows || sum != tokens) {
            return null;
        }
        Map<String, Integer> terms = new HashMap<>();
        IntList start = new IntList(1 << 12);
        IntList postingRows = new IntList(1 << 16);
        IntList freqs = new IntList(1 << 16);
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.litemem_fts_instances USING fts5vocab (main, records_fts, 'instance')");
        }
        // Instances come ordered by term, then row, then offset: a row's run of one term is its frequency.
        try (PreparedStatement s = connection.prepareStatement("SELECT term, doc FROM temp.litemem_fts_instances");
             ResultSet rs = s.executeQuery()) {
            String term = null;
            long lastRow = Long.MIN_VALUE;
            int at = -1;
            while (rs.next()) {
                String t = rs.getString(1);
                long row = rs.getLong(2);
                if (!t.equals(term)) {
                    term = t;
                    if (terms.put(t, terms.size()) != null) {
                        return null; // not ordered as documented
                    }
                    start.add(postingRows.size());
                    lastRow = Long.MIN_VALUE;
                }
                if (row != lastRow) {
                    if (row < lastRow) {
                        return null;
                    }
                    at = at + 1 < rowIds.length && rowIds[at + 1] == row ? at + 1 : Arrays.binarySearch(rowIds, row);
                    if (at < 0) {
                        return null; // a token of a row docsize does not know
                    }
                    postingRows.add(at);
                    freqs.add(1);
                    lastRow = row;
                } else {
                    freqs.addToLast(1);
                }
            }
        }
        start.add(postingRows.size());
        int[] starts = start.toArray();
        long[] hits = new long[terms.size()];
        for (int t = 0; t < hits.length; t++) {
            hits[t] = starts[t + 1] - starts[t];
        }
        double[] idf = FtsTokens.get().idf(rows, hits);
        // As fts5_aux.c: avgdl = (double)nToken / (double)nRow.
        double avgdl = (double) tokens / (double) rows;
        return new KeywordIndex(records[0], records[1], log, rows, tokens, avgdl, rowIds, lengths, terms, starts,
                postingRows.toArray(), freqs.toArray(), idf);
    }

    /**
     * Scores every row matching at least one of the phrases, each phrase given as its one token (one the index does
     * not hold matches nothing), at the snapshot of {@code overlay} (null: the build's). As bm25(): per row, {@code
     * score += idf * (f * (k1 + 1)) / (f + k1 * (1 - b + b * D / avgdl))} over the phrases in query order (a phrase the
     * row lacks adds 0, which changes nothing), so the sums are bit for bit FTS5's; the score here is -bm25 (higher is
     * better). With an overlay, the replaced rows' postings are skipped, the changed rows' current ones added, and every
     * phrase's row count (so its idf) and the average length are the overlay's snapshot's.
     */
    public Ranking rank(List<String> phraseTokens, Overlay overlay) {
        int added = overlay == null ? 0 : overlay.addedRowIds.length;
        double[] score = new double[rowIds.length + added];
        double averageLength = overlay == null ? avgdl : overlay.avgdl;
        double[] phraseIdf = overlay == null ? null : overlayIdf(phraseTokens, overlay);
        long postings = 0;
        for (String token : phraseTokens) {
            Integer t = terms.get(token);
            int[][] more = overlay == null ? null : overlay.addedPostings.get(token);
            postings += (t == null ? 0 : start[t + 1] - start[t]) + (more == null ? 0 : more.length);
        }
        int[] matched = new int[(int) Math.min(postings, score.length)];
        int count = 0;
        for (int i = 0; i < phraseTokens.size(); i++) {
            String token = phraseTokens.get(i);
            Integer t = terms.get(token);
            int[][] more = overlay == null ? null : overlay.addedPostings.get(token);
            if (t == null && more == null) {
                continue;
            }
            double termIdf = overlay == null ? idf[t] : phraseIdf[i];
            int from = t == null ? 0 : start[t];
            int to = t == null ? 0 : start[t + 1];
            for (int p = from; p < to; p++) {
                int row = postingRows[p];
                if (overlay != null && overlay.isRemoved[row]) {
                    continue;
                }
                if (score[row] == 0.0) {
                    matched[count++] = row;
                }
                score[row] += bm25Term(termIdf, freqs[p], lengths[row], averageLength);
            }
            if (more != null) {
                for (int[] posting : more) {
                    int row = rowIds.length + posting[0];
                    if (score[row] == 0.0) {
                        matched[count++] = row;
                    }
                    score[row] += bm25Term(termIdf, posting[1], overlay.addedLengths[posting[0]], averageLength);
                }
            }
        }
        return new Ranking(score, Arrays.copyOf(matched, count), rowIds, overlay == null ? new long[0] : overlay.addedRowIds);
    }

    /** One phrase's term of fts5_aux.c's sum, in its order of operations. */
    private static double bm25Term(double idf, double f, double d, double avgdl) {
        return idf * ((f * (K1 + 1.0)) / (f + K1 * (1 - B + B * d / avgdl)));
    }

    /**
     * Each phrase's idf at the overlay's snapshot: its row count there (the base's, minus replaced rows that held it,
     * plus changed rows that hold it now) and the snapshot's row count, through SQLite's ln() as bm25() computes it.
     */
    private double[] overlayIdf(List<String> phraseTokens, Overlay overlay) {
        double[] out = new double[phraseTokens.size()];
        List<Integer> missing = new java.util.ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            long[] known = overlay.statistics(phraseTokens.get(i));
            if (known != null) {
                out[i] = Double.longBitsToDouble(known[1]);
            } else {
                missing.add(i);
            }
        }
        if (missing.isEmpty()) {
            return out;
        }
        long[] hits = new long[missing.size()];
        for (int m = 0; m < hits.length; m++) {
            String token = phraseTokens.get(missing.get(m));
            Integer t = terms.get(token);
            long df = 0;
            if (t != null) {
                df = start[t + 1] - start[t];
                for (int r : overlay.removed) {
                    if (Arrays.binarySearch(postingRows, start[t], start[t + 1], r) >= 0) {
                        df--;
                    }
                }
            }
            int[][] more = overlay.addedPostings.get(token);
            hits[m] = df + (more == null ? 0 : more.length);
        }
        double[] computed = FtsTokens.get().idf(overlay.nRow, hits);
        for (int m = 0; m < hits.length; m++) {
            out[missing.get(m)] = computed[m];
            overlay.remember(phraseTokens.get(missing.get(m)), new long[] {hits[m], Double.doubleToRawLongBits(computed[m])});
        }
        return out;
    }

    /** Every unsigned SQLite varint of a record (FTS5's averages and docsize records). */
    static long[] varints(byte[] b) {
        if (b == null) {
            return new long[0];
        }
        long[] out = new long[b.length];
        int n = 0;
        int i = 0;
        while (i < b.length) {
            long v = 0;
            int j = 0;
            for (; j < 9 && i < b.length; j++) {
                int x = b[i++] & 0xff;
                if (j == 8) {
                    v = (v << 8) | x;
                    break;
                }
                v = (v << 7) | (x & 0x7f);
                if ((x & 0x80) == 0) {
                    break;
                }
            }
            out[n++] = v;
        }
        return Arrays.copyOf(out, n);
    }

    /** A growable int array (building millions of postings without boxing). */
    private static final class IntList {
        private int[] values;
        private int size;

        IntList(int capacity) {
            values = new int[capacity];
        }

        void add(int v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        void addToLast(int v) {
            values[size - 1] += v;
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
