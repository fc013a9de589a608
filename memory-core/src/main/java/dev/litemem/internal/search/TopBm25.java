package dev.litemem.internal.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Which rows can be in the top n by FTS5's BM25 of an OR-query of phrases, without scoring every match (FTS5 computes
 * bm25() for every matching row before it sorts: most of a keyword search's time when a query's common words match a
 * large part of the file). MaxScore-style, as Lucene prunes: every phrase's contribution to a row's score is at most
 * {@code idf * (k1 + 1)} (the BM25 term saturates below it whatever the term frequency and row length), so a row's
 * score is at most the sum of those bounds over the phrases it matches. The rows matching each phrase come from the
 * FTS5 index (cheap: no scoring); rows are taken in order of that bound, the exact query scores only them, and the
 * answer is accepted only when the n-th exact score is STRICTLY above the bound of every row left out, so the result is
 * the exact query's (same rows, same scores, same order, same ties by row id). Otherwise the caller runs the exact
 * query over every match, as before. Phrases so common that FTS5 clamps their idf (a phrase in more than half of the
 * rows: "the", "what") are not listed at all; their tiny bound is added to every row's.
 */
final class TopBm25 {
    /** FTS5's bm25() constants (fts5_aux.c). */
    private static final double K1 = 1.2;
    /** Margin for rounding in log() and in sums: a bound is enlarged by this fraction. */
    private static final double MARGIN = 1e-9;

    private final long rows;
    private final double[] bound;
    private final long[] matches;
    private final double unlisted;
    /** Row ids matching at least one listed phrase (ascending), their bounds, and the bounds sorted. */
    private final long[] ids;
    private final double[] sums;
    private final double[] sorted;

    private TopBm25(long rows, double[] bound, long[] matches, double unlisted, long[] ids, double[] sums, double[] sorted) {
        this.rows = rows;
        this.bound = bound;
        this.matches = matches;
        this.unlisted = unlisted;
        this.ids = ids;
        this.sums = sums;
        this.sorted = sorted;
    }

    /**
     * The phrases' statistics and the bound of every row matching them, or null when pruning cannot pay (one phrase,
     * an index of fewer than {@code minRows} rows).
     */
    static TopBm25 of(Handle h, List<String> phrases, long minRows) {
        if (phrases.size() < 2) {
            return null;
        }
        byte[] averages = h.createQuery("SELECT block FROM records_fts_data WHERE id = 1").mapTo(byte[].class).findOne().orElse(null);
        long rows = averages == null ? 0 : firstVarint(averages);
        if (rows <= 0 || rows < minRows) {
            return null;
        }
        int q = phrases.size();
        long[] df = new long[q];
        StringBuilder counts = new StringBuilder();
        for (int i = 0; i < q; i++) {
            counts.append(i == 0 ? "" : " UNION ALL ").append("SELECT ").append(i)
                    .append(", count(*) FROM records_fts WHERE records_fts MATCH ?");
        }
        var countQuery = h.createQuery(counts.toString());
        for (int i = 0; i < q; i++) {
            countQuery.bind(i, phrases.get(i));
        }
        countQuery.map((rs, ctx) -> df[rs.getInt(1)] = rs.getLong(2)).forEach(x -> { });
        double[] bound = new double[q];
        for (int i = 0; i < q; i++) {
            // As fts5_aux.c: idf = log((N - n + 0.5) / (n + 0.5)), at least 1e-6.
            double idf = Math.log((rows - df[i] + 0.5) / (df[i] + 0.5));
            bound[i] = (idf <= 0.0 ? 1e-6 : idf) * (K1 + 1.0) * (1 + MARGIN);
        }
        // Phrases in more than half of the rows (idf clamped) are not listed; any row may have their bound.
        double unlisted = 0;
        List<Integer> listed = new ArrayList<>();
        for (int i = 0; i < q; i++) {
            if (df[i] == 0) {
                continue;
            }
            if (df[i] * 2 > rows) {
                unlisted += bound[i];
            } else {
                listed.add(i);
            }
        }
        unlisted *= 1 + MARGIN;
        long[][] lists = new long[listed.size()][];
        if (!listed.isEmpty()) {
            StringBuilder sql = new StringBuilder();
            for (int j = 0; j < listed.size(); j++) {
                sql.append(j == 0 ? "" : " UNION ALL ").append("SELECT ").append(j)
                        .append(", group_concat(rowid) FROM records_fts WHERE records_fts MATCH ?");
            }
            var listQuery = h.createQuery(sql.toString());
            for (int j = 0; j < listed.size(); j++) {
                listQuery.bind(j, phrases.get(listed.get(j)));
            }
            listQuery.map((rs, ctx) -> lists[rs.getInt(1)] = rowIds(rs.getString(2))).forEach(x -> { });
        }
        // Each row's bound: the sum of the bounds of the listed phrases it matches (lists merged by row id).
        int total = 0;
        for (int j = 0; j < lists.length; j++) {
            if (lists[j] == null) {
                lists[j] = new long[0];
            }
            Arrays.sort(lists[j]);
            total += lists[j].length;
        }
        long[] ids = new long[total];
        double[] sums = new double[total];
        int n = 0;
        int[] at = new int[lists.length];
        while (true) {
            long next = Long.MAX_VALUE;
            for (int j = 0; j < lists.length; j++) {
                if (at[j] < lists[j].length && lists[j][at[j]] < next) {
                    next = lists[j][at[j]];
                }
            }
            if (next == Long.MAX_VALUE) {
                break;
            }
            double sum = unlisted;
            for (int j = 0; j < lists.length; j++) {
                if (at[j] < lists[j].length && lists[j][at[j]] == next) {
                    sum += bound[listed.get(j)];
                    at[j]++;
                }
            }
            ids[n] = next;
            sums[n++] = sum * (1 + MARGIN);
        }
        double[] sorted = Arrays.copyOf(sums, n);
        Arrays.sort(sorted);
        return new TopBm25(rows, bound, df, unlisted, Arrays.copyOf(ids, n), Arrays.copyOf(sums, n), sorted);
    }

    /** How many rows match at least one listed phrase. */
    int listedRows() {
        return ids.length;
    }

    /**
     * The rows whose bound is among the {@code count} largest (more when bounds tie at the cut), and in {@code outside}[0]
     * the largest score any other row can have: the largest bound below the cut, or the unlisted phrases' alone (a row
     * matching none of the listed phrases); 0 when no other row can match.
     */
    long[] best(int count, double[] outside) {
        if (count >= ids.length) {
            outside[0] = unlisted;
            return ids.clone();
        }
        double cut = sorted[sorted.length - count];
        int below = Arrays.binarySearch(sorted, cut);
        while (below > 0 && sorted[below - 1] == cut) {
            below--;
        }
        outside[0] = Math.max(below > 0 ? sorted[below - 1] : 0, unlisted);
        long[] out = new long[sorted.length - below];
        int k = 0;
        for (int i = 0; i < ids.length; i++) {
            if (sums[i] >= cut) {
                out[k++] = ids[i];
            }
        }
        return out;
    }

    /**
     * The rows not in {@code scored} (sorted) whose bound is at least {@code threshold}; every row of neither has a bound
     * below it (a row matching none of the listed phrases: the unlisted bound, below when the caller checked it).
     */
    long[] atLeast(double threshold, long[] scored) {
        long[] out = new long[ids.length];
        int k = 0;
        for (int i = 0; i < ids.length; i++) {
            if (sums[i] >= threshold && Arrays.binarySearch(scored, ids[i]) < 0) {
                out[k++] = ids[i];
            }
        }
        return Arrays.copyOf(out, k);
    }

    /** The bound of a row matching none of the listed phrases. */
    double unlisted() {
        return unlisted;
    }

    /** The number of rows in the index, as bm25() counts them. */
    long rows() {
        return rows;
    }

    /** A phrase's bound (for tests and explain). */
    double bound(int phrase) {
        return bound[phrase];
    }

    /** A phrase's matching rows in the whole index. */
    long matches(int phrase) {
        return matches[phrase];
    }

    /** FTS5's averages record starts with the row count as an SQLite varint. */
    static long firstVarint(byte[] b) {
        long v = 0;
        for (int i = 0; i < Math.min(9, b.length); i++) {
            int x = b[i] & 0xff;
            if (i == 8) {
                return (v << 8) | x;
            }
            v = (v << 7) | (x & 0x7f);
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        return v;
    }

    /** Row ids of a group_concat of integers (null: none). */
    static long[] rowIds(String concat) {
        if (concat == null || concat.isEmpty()) {
            return new long[0];
        }
        int count = 1;
        for (int i = 0; i < concat.length(); i++) {
            if (concat.charAt(i) == ',') {
                count++;
            }
        }
        long[] out = new long[count];
        int k = 0;
        long v = 0;
        boolean negative = false;
        for (int i = 0; i < concat.length(); i++) {
            char c = concat.charAt(i);
            if (c == ',') {
                out[k++] = negative ? -v : v;
                v = 0;
                negative = false;
            } else if (c == '-') {
                negative = true;
            } else {
                v = v * 10 + (c - '0');
            }
        }
        out[k] = negative ? -v : v;
        return out;
    }
}
