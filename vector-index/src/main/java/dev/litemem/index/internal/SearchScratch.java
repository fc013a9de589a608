package dev.litemem.index.internal;

/**
 * Per-thread working memory of a graph walk, reused across walks: the visited marks (a node is visited in this walk
 * when its mark equals the walk's epoch, so nothing is cleared between walks), the candidate queue and buffers.
 * {@link #acquire} hands out the thread's instance, or a fresh one when it is in use further up the stack (a search
 * filter that itself searches).
 */
final class SearchScratch {

    private static final ThreadLocal<SearchScratch> LOCAL = ThreadLocal.withInitial(SearchScratch::new);

    private int[] marks = new int[0];
    private int epoch;
    private boolean inUse;
    final NodeHeap candidates = NodeHeap.nearestFirst(64);
    final NodeHeap results = NodeHeap.farthestFirst(64);
    int[] ids = new int[64];
    int[] slots = new int[64];
    /** Where a walk leaves the sum of the values it touched to start their loads early (kept so the loads stay). */
    float touched;

    static SearchScratch acquire(int capacity) {
        SearchScratch scratch = LOCAL.get();
        if (scratch.inUse) {
            scratch = new SearchScratch();
        }
        scratch.inUse = true;
        scratch.startWalk(capacity);
        return scratch;
    }

    void release() {
        inUse = false;
    }

    /** Starts a walk over nodes 0..capacity-1: nothing is visited, both heaps are empty. */
    void startWalk(int capacity) {
        if (marks.length < capacity) {
            marks = new int[Math.max(capacity, marks.length + (marks.length >> 1))];
            epoch = 0;
        }
        if (++epoch == Integer.MAX_VALUE) {
            java.util.Arrays.fill(marks, 0);
            epoch = 1;
        }
        candidates.clear();
        results.clear();
    }

    int[] marks() {
        return marks;
    }

    int epoch() {
        return epoch;
    }

    /** Buffers of at least {@code length} ints. */
    void ensureBuffers(int length) {
        if (ids.length < length) {
            ids = new int[length];
            slots = new int[length];
        }
    }
}
