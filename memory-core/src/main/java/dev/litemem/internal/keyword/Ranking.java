package dev.litemem.internal.keyword;

/**
 * The scores of one query's matching rows, handed out best first in bm25()'s order (higher score first, equal scores
 * by row id) a batch at a time, so a caller checks its filter on as few rows as it needs.
 */
public final class Ranking {
    private final double[] score;
    private final int[] matched;
    /** Row ids of the numbers below rowIds.length, then those of rows added since the index was built. */
    private final long[] rowIds;
    private final long[] addedRowIds;
    private int taken;

    Ranking(double[] score, int[] matched, long[] rowIds, long[] addedRowIds) {
        this.score = score;
        this.matched = matched;
        this.rowIds = rowIds;
        this.addedRowIds = addedRowIds;
    }

    private long rowId(int row) {
        return row < rowIds.length ? rowIds[row] : addedRowIds[row - rowIds.length];
    }

    /** How many rows match. */
    public int matches() {
        return matched.length;
    }

    /** How many rows {@link #next} handed out so far. */
    public int taken() {
        return taken;
    }

    /**
     * The next (at most) {@code count} rows in order, as row ids into {@code ids} and their scores into {@code scores}
     * (both at least {@code count} long); returns how many.
     */
    public int next(int count, long[] ids, double[] scores) {
        int upTo = (int) Math.min((long) taken + count, matched.length);
        int[] best = best(upTo);
        int n = 0;
        for (int i = taken; i < upTo; i++) {
            ids[n] = rowId(best[i]);
            scores[n++] = score[best[i]];
        }
        taken = upTo;
        return n;
    }

    /** The first {@code k} matching rows in order: a bounded heap over all matches, then the heap sorted. */
    private int[] best(int k) {
        if (k == 0) {
            return new int[0];
        }
        // heap[0] is the worst of the k best seen.
        int[] heap = new int[k];
        int size = 0;
        for (int row : matched) {
            if (size < k) {
                heap[size] = row;
                up(heap, size++);
            } else if (better(row, heap[0])) {
                heap[0] = row;
                down(heap, 0, k);
            }
        }
        for (int end = size - 1; end > 0; end--) { // heap sort: the worst goes to the end
            int t = heap[0];
            heap[0] = heap[end];
            heap[end] = t;
            down(heap, 0, end);
        }
        return heap;
    }

    /** Whether row a ranks before row b: a higher score, or an equal one and a lower row id. */
    private boolean better(int a, int b) {
        double sa = score[a];
        double sb = score[b];
        return sa > sb || (sa == sb && rowId(a) < rowId(b));
    }

    private void up(int[] heap, int i) {
        while (i > 0) {
            int parent = (i - 1) >> 1;
            if (!better(heap[parent], heap[i])) {
                return;
            }
            int t = heap[parent];
            heap[parent] = heap[i];
            heap[i] = t;
            i = parent;
        }
    }

    private void down(int[] heap, int i, int size) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int worst = left;
            int right = left + 1;
            if (right < size && better(heap[left], heap[right])) {
                worst = right;
            }
            if (!better(heap[i], heap[worst])) {
                return;
            }
            int t = heap[i];
            heap[i] = heap[worst];
            heap[worst] = t;
            i = worst;
        }
    }

    @Override
    public String toString() {
        return "Ranking[" + matched.length + " matches, " + taken + " taken]";
    }
}
