package dev.litemem.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Groups encoded texts into batches of similar length (little padding). Long texts get smaller batches: attention
 * cost grows with length, and on CPU batches past about 2,048 tokens stop paying off.
 */
final class Batches {
    static final int TOKEN_BUDGET = 2048;

    /** A batch and, for each of its rows, the index of the text it came from. */
    record Planned(TokenBatch batch, int[] sourceIndex) {
    }

    private Batches() {
    }

    /**
     * Plans batches of at most {@code maxBatchSize} rows and about {@link #TOKEN_BUDGET} tokens, and never fewer
     * batches than {@code parallelism} when there are enough texts, so every thread gets work.
     */
    static List<Planned> plan(Encoding[] encodings, int maxBatchSize, int parallelism) {
        int rowsPerBatch = Math.max(1, Math.min(maxBatchSize, ceilDiv(encodings.length, parallelism)));
        Integer[] order = new Integer[encodings.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Stable sort: equal lengths keep input order.
        Arrays.sort(order, Comparator.comparingInt(i -> encodings[i].getIds().length));
        List<Planned> planned = new ArrayList<>();
        int start = 0;
        while (start < order.length) {
            int end = start + 1;
            while (end < order.length && end - start < rowsPerBatch
                    && (long) (end - start + 1) * encodings[order[end]].getIds().length <= TOKEN_BUDGET) {
                end++;
            }
            int[] rows = new int[end - start];
            for (int r = 0; r < rows.length; r++) {
                rows[r] = order[start + r];
            }
            planned.add(new Planned(pad(encodings, rows, 0, rows.length), rows));
            start = end;
        }
        return planned;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Pads {@code encodings[rows[from..to)]} to the longest of them. */
    static TokenBatch pad(Encoding[] encodings, int[] rows, int from, int to) {
        int count = to - from;
        int length = 0;
        for (int r = from; r < to; r++) {
            length = Math.max(length, encodings[rows[r]].getIds().length);
        }
        long[] ids = new long[count * length];
        long[] mask = new long[count * length];
        long[] types = new long[count * length];
        for (int r = 0; r < count; r++) {
            Encoding encoding = encodings[rows[from + r]];
            int n = encoding.getIds().length;
            System.arraycopy(encoding.getIds(), 0, ids, r * length, n);
            System.arraycopy(encoding.getAttentionMask(), 0, mask, r * length, n);
            System.arraycopy(encoding.getTypeIds(), 0, types, r * length, n);
        }
        return new TokenBatch(count, length, ids, mask, types);
    }
}
