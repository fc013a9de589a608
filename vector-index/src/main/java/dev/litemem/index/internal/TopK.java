package dev.litemem.index.internal;

import dev.litemem.index.Neighbor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Keeps the k best (score, label) pairs in a min-heap of primitives; ties go to the smaller label. */
final class TopK {

    private final int k;
    private final float[] scores;
    private final long[] labels;
    private int size;

    TopK(int k) {
        this.k = k;
        this.scores = new float[k];
        this.labels = new long[k];
    }

    void offer(long label, float score) {
        if (size < k) {
            scores[size] = score;
            labels[size] = label;
            siftUp(size++);
        } else if (worse(scores[0], labels[0], score, label)) {
            scores[0] = score;
            labels[0] = label;
            siftDown(0);
        }
    }

    /** Best first. */
    List<Neighbor> toList() {
        List<Neighbor> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(new Neighbor(labels[i], scores[i]));
        }
        list.sort(BEST_FIRST);
        return list;
    }

    static final Comparator<Neighbor> BEST_FIRST =
            Comparator.comparingDouble((Neighbor n) -> -n.score()).thenComparingLong(Neighbor::label);

    /** True when (sa, la) ranks below (sb, lb). */
    private static boolean worse(float sa, long la, float sb, long lb) {
        return sa < sb || (sa == sb && la > lb);
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!worse(scores[i], labels[i], scores[parent], labels[parent])) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int worst = left;
            int right = left + 1;
            if (right < size && worse(scores[right], labels[right], scores[left], labels[left])) {
                worst = right;
            }
            if (!worse(scores[worst], labels[worst], scores[i], labels[i])) {
                return;
            }
            swap(i, worst);
            i = worst;
        }
    }

    private void swap(int a, int b) {
        float s = scores[a];
        scores[a] = scores[b];
        scores[b] = s;
        long l = labels[a];
        labels[a] = labels[b];
        labels[b] = l;
    }
}
