package dev.litemem.index.internal;

import java.util.Arrays;

/**
 * A binary heap of (float key, long value) pairs in primitive arrays: no boxing, no allocation once grown. The
 * order is chosen at construction: {@link #nearestFirst} keeps the smallest key at the top (ties: the smallest
 * value), {@link #farthestFirst} the largest (ties: the largest value). Ties are broken on the value so that every
 * run over the same input pops in the same order.
 *
 * <p>Internally it is always a min-heap: a farthest-first heap stores negated keys and complemented values, which
 * keeps the sift loops free of a branch on the order. Used as the graph walk's candidate queue (nearest first), its
 * bounded result set (farthest first, the worst result evicted), and the exact scan's top k.
 */
final class NodeHeap {

    private final boolean farthestFirst;
    private float[] keys;
    private long[] values;
    private int size;

    private NodeHeap(int capacity, boolean farthestFirst) {
        this.farthestFirst = farthestFirst;
        int initial = Math.max(1, capacity);
        this.keys = new float[initial];
        this.values = new long[initial];
    }

    /** The smallest key on top. */
    static NodeHeap nearestFirst(int capacity) {
        return new NodeHeap(capacity, false);
    }

    /** The largest key on top. */
    static NodeHeap farthestFirst(int capacity) {
        return new NodeHeap(capacity, true);
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    float topKey() {
        return external(keys[0]);
    }

    long topValue() {
        return externalValue(values[0]);
    }

    /** Adds a pair, growing the arrays when full. */
    void push(float key, long value) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, 2 * size);
            values = Arrays.copyOf(values, 2 * size);
        }
        siftUp(size++, internal(key), internalValue(value));
    }

    /**
     * Keeps at most {@code limit} pairs: adds this one when there is room, or when it would sit below the top (then
     * the top is evicted). Returns whether it was kept.
     */
    boolean offer(float key, long value, int limit) {
        if (size < limit) {
            push(key, value);
            return true;
        }
        float k = internal(key);
        long v = internalValue(value);
        if (before(keys[0], values[0], k, v)) {
            siftDown(0, k, v);
            return true;
        }
        return false;
    }

    /** Removes the top pair and returns its value. */
    long pop() {
        long top = values[0];
        size--;
        if (size > 0) {
            siftDown(0, keys[size], values[size]);
        }
        return externalValue(top);
    }

    /** The key at position {@code i} (heap order, not sorted); 0 &lt;= i &lt; size. */
    float key(int i) {
        return external(keys[i]);
    }

    /** The value at position {@code i} (heap order, not sorted). */
    long value(int i) {
        return externalValue(values[i]);
    }

    private float internal(float key) {
        return farthestFirst ? -key : key;
    }

    private float external(float key) {
        return farthestFirst ? -key : key;
    }

    private long internalValue(long value) {
        return farthestFirst ? ~value : value;
    }

    private long externalValue(long value) {
        return farthestFirst ? ~value : value;
    }

    /** True when (ka, va) belongs above (kb, vb). */
    private static boolean before(float ka, long va, float kb, long vb) {
        return ka < kb || (ka == kb && va < vb);
    }

    private void siftUp(int i, float key, long value) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(key, value, keys[parent], values[parent])) {
                break;
            }
            keys[i] = keys[parent];
            values[i] = values[parent];
            i = parent;
        }
        keys[i] = key;
        values[i] = value;
    }

    private void siftDown(int i, float key, long value) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && before(keys[right], values[right], keys[child], values[child])) {
                child = right;
            }
            if (!before(keys[child], values[child], key, value)) {
                break;
            }
            keys[i] = keys[child];
            values[i] = values[child];
            i = child;
        }
        keys[i] = key;
        values[i] = value;
    }
}
