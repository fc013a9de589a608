package dev.litemem.index.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The HNSW graph in flat arrays. A node id is its vector's slot in the {@link VectorStore}. Per node: its top level
 * ({@code levels}), its state ({@code flags}: pending while its insert runs, live, or deleted), its level-0
 * neighbours in one shared {@code int[]} ({@code stride0 = 2m + 1} ints per node: the count, then up to
 * {@code 2m} node ids) and, for the few nodes above level 0, one {@code int[]} holding its upper levels
 * ({@code m + 1} ints per level, same layout). Plus the entry point and the highest level, published together.
 *
 * <p>Concurrency. The arrays are replaced only by {@link #grow}, which the caller runs while no insert or removal
 * is in flight (the index's mutation lock, exclusively); searches read without any lock, from the {@link Nodes}
 * they took at their start, and treat node ids beyond its capacity as absent. A neighbour list is only written
 * under its node's stripe lock ({@link #stripe}); the ids are written first, then the count with release
 * semantics, and readers take the count with acquire semantics. A reader that races with a rewrite may see ids of
 * the old and the new list mixed: every one of them is a real node whose vector is stored, which an approximate
 * search tolerates (a visited set filters repeats). Level assignment is seeded: a node's level is a function of
 * (seed, node id) only, so inserting the same vectors in the same order on one thread builds the same graph.
 */
final class HnswGraph {

    static final byte PENDING = 0;
    static final byte LIVE = 1;
    static final byte DELETED = 2;
    /** The checkpoint format stores a level in one byte and caps it at 64. */
    static final int MAX_LEVEL = CheckpointCodec.MAX_LEVEL;

    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final int STRIPES = 1024;

    /** The arrays, replaced together by {@link #grow}. */
    static final class Nodes {
        final int capacity;
        /** node * stride0: the level-0 count, then the neighbours. */
        final int[] links0;
        final byte[] levels;
        final byte[] flags;
        /** node: null on level 0 only, else (level - 1) * (m + 1): a count, then the neighbours on that level. */
        final int[][] upper;

        Nodes(int capacity, int[] links0, byte[] levels, byte[] flags, int[][] upper) {
            this.capacity = capacity;
            this.links0 = links0;
            this.levels = levels;
            this.flags = flags;
            this.upper = upper;
        }
    }

    final int m;
    final int maxLinks0;
    final int stride0;
    final int strideUp;
    private final double levelMultiplier;
    private final long seed;
    private final Object[] stripes = new Object[STRIPES];
    /** Held by an insert that may raise the graph's top level, for its whole length (rare: about log_m(n) times). */
    final ReentrantLock entryLock = new ReentrantLock();
    /** The entry node (low 32 bits) and the top level (high 32 bits); -1 and -1 while empty. */
    private volatile long entry = pack(-1, -1);
    private volatile Nodes nodes;
    private volatile int nodeCount;
    /** Heap bytes of the upper levels' arrays; written where nodes are allocated (one thread at a time). */
    private volatile long upperBytes;

    HnswGraph(int m, long seed, int capacity) {
        this.m = m;
        this.maxLinks0 = 2 * m;
        this.stride0 = maxLinks0 + 1;
        this.strideUp = m + 1;
        this.levelMultiplier = 1 / Math.log(m);
        this.seed = seed;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
        this.nodes = new Nodes(capacity, new int[Math.multiplyExact(capacity, stride0)], new byte[capacity],
                new byte[capacity], new int[capacity][]);
    }

    Nodes nodes() {
        return nodes;
    }

    int capacity() {
        return nodes.capacity;
    }

    /** Nodes allocated so far (ids 0..nodeCount-1), pending ones included. */
    int nodeCount() {
        return nodeCount;
    }

    /** Only while no insert or removal is in flight: the arrays are copied, and writes to the old ones would be lost. */
    void grow(int capacity) {
        Nodes old = nodes;
        if (capacity <= old.capacity) {
            return;
        }
        nodes = new Nodes(capacity, Arrays.copyOf(old.links0, Math.multiplyExact(capacity, stride0)),
                Arrays.copyOf(old.levels, capacity), Arrays.copyOf(old.flags, capacity),
                Arrays.copyOf(old.upper, capacity));
    }

    /** The seeded level of a node: floor(-ln(u) / ln(m)) for u uniform in (0, 1] drawn from (seed, node). */
    int levelFor(int node) {
        long bits = mix64(seed + 0x9E3779B97F4A7C15L * (node + 1L));
        double u = ((bits >>> 11) + 1) * 0x1.0p-53;
        return Math.min(MAX_LEVEL, (int) (-Math.log(u) * levelMultiplier));
    }

    /**
     * Makes node {@code node} (the next id, {@code node == nodeCount()}) pending on {@code level}, with empty lists.
     * Callers serialize allocations and keep {@code node < capacity()}.
     */
    void initNode(int node, int level) {
        Nodes n = nodes;
        n.levels[node] = (byte) level;
        n.flags[node] = PENDING;
        n.links0[node * stride0] = 0;
        if (level > 0) {
            n.upper[node] = new int[level * strideUp];
            upperBytes += 16L + 4L * level * strideUp;
        } else {
            n.upper[node] = null;
        }
        nodeCount = node + 1;
    }

    long entryState() {
        return entry;
    }

    static int entryNode(long state) {
        return (int) state;
    }

    static int topLevel(long state) {
        return (int) (state >> 32);
    }

    void setEntry(int node, int level) {
        entry = pack(node, level);
    }

    private static long pack(int node, int level) {
        return ((long) level << 32) | (node & 0xFFFFFFFFL);
    }

    /** The lock under which node {@code node}'s lists (every level) are written. */
    Object stripe(int node) {
        return stripes[node & (STRIPES - 1)];
    }

    /** The array holding {@code node}'s list on {@code level} (null when the node has no such level yet). */
    int[] listArray(Nodes n, int node, int level) {
        return level == 0 ? n.links0 : n.upper[node];
    }

    /** Where {@code node}'s list on {@code level} starts in {@link #listArray}: its count, then its ids. */
    int listBase(int node, int level) {
        return level == 0 ? node * stride0 : (level - 1) * strideUp;
    }

    int maxLinks(int level) {
        return level == 0 ? maxLinks0 : m;
    }

    /** Copies {@code node}'s list on {@code level} into {@code buffer} (length at least 2m); returns the count. */
    int copyLinks(Nodes n, int node, int level, int[] buffer) {
        int[] array = listArray(n, node, level);
        if (array == null) {
            return 0;
        }
        int base = listBase(node, level);
        int count = Math.min((int) INTS.getAcquire(array, base), maxLinks(level));
        System.arraycopy(array, base + 1, buffer, 0, count);
        return count;
    }

    /** Reads a list's count with acquire semantics, for readers that walk the ids in place. */
    static int countAcquire(int[] array, int base) {
        return (int) INTS.getAcquire(array, base);
    }

    /** Replaces {@code node}'s list on {@code level}; the caller holds the node's {@link #stripe}. */
    void setLinks(Nodes n, int node, int level, int[] ids, int count) {
        int[] array = listArray(n, node, level);
        int base = listBase(node, level);
        System.arraycopy(ids, 0, array, base + 1, count);
        INTS.setRelease(array, base, count);
    }

    /** Appends {@code id} to a list that has room; the caller holds the node's {@link #stripe}. */
    void appendLink(Nodes n, int node, int level, int id) {
        int[] array = listArray(n, node, level);
        int base = listBase(node, level);
        int count = array[base];
        array[base + 1 + count] = id;
        INTS.setRelease(array, base, count + 1);
    }

    byte flag(int node) {
        return nodes.flags[node];
    }

    void setFlag(int node, byte flag) {
        nodes.flags[node] = flag;
    }

    /** Heap bytes of the arrays (array headers and the upper levels' arrays counted by layout). */
    long bytes() {
        Nodes n = nodes;
        return 4 * 16L + 4L * n.links0.length + 2L * n.capacity + 4L * n.capacity + upperBytes;
    }

    /**
     * The graph as a checkpoint holds it: live nodes only, renumbered (see {@link Graph#withoutGone}). The caller
     * excludes inserts and removals while this runs.
     */
    Graph snapshot(VectorStore store) {
        Nodes n = nodes;
        int total = nodeCount;
        long[] labels = new long[total];
        int[] hashes = new int[total];
        int[][][] links = new int[total][][];
        boolean[] gone = new boolean[total];
        int[] buffer = new int[maxLinks0];
        for (int i = 0; i < total; i++) {
            labels[i] = store.label(i);
            hashes[i] = store.sourceHash(i);
            gone[i] = n.flags[i] != LIVE;
            int levels = n.levels[i];
            links[i] = new int[levels + 1][];
            for (int level = 0; level <= levels; level++) {
                int count = copyLinks(n, i, level, buffer);
                links[i][level] = Arrays.copyOf(buffer, count);
            }
        }
        long state = entry;
        return Graph.withoutGone(labels, hashes, links, gone, entryNode(state), m);
    }

    /**
     * Installs a checked graph into this empty one, all nodes live; the caller has appended node {@code i}'s vector
     * to slot {@code i} of the store and sized the capacity.
     */
    void restore(Graph graph) {
        Nodes n = nodes;
        for (int i = 0; i < graph.size(); i++) {
            int[][] lists = graph.links[i];
            initNode(i, lists.length - 1);
            for (int level = 0; level < lists.length; level++) {
                setLinks(n, i, level, lists[level], lists[level].length);
            }
            n.flags[i] = LIVE;
        }
        entry = graph.entryPoint < 0 ? pack(-1, -1) : pack(graph.entryPoint, graph.maxLevel);
    }

    /** Stafford's variant 13 of the MurmurHash3 finalizer. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
