package dev.litemem.index.internal;

import dev.litemem.index.CheckpointIdentity;
import dev.litemem.index.CheckpointMismatchException;
import dev.litemem.index.HnswParams;
import dev.litemem.index.IndexException;
import dev.litemem.index.Metric;
import dev.litemem.index.Neighbor;
import dev.litemem.index.VectorIndex;
import dev.litemem.index.internal.Vectors.Prepared;
import org.eclipse.collections.impl.map.mutable.primitive.LongIntHashMap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;

/**
 * LiteMem's own HNSW index: vectors in a {@link VectorStore}, the graph in an {@link HnswGraph} (node id = slot),
 * built by {@link HnswBuilder} and searched by {@link GraphSearcher}, labels mapped to live nodes in a primitive
 * hash map. Removal and replacement are soft (the old node is marked deleted and stays walkable until compaction).
 *
 * <p>Locks: inserts and removals share {@link #mutation}'s read lock; growing the arrays, the checkpoint snapshot
 * and compaction's copy take it exclusively, so none of them sees a half-inserted node. Searches take no lock.
 * {@link #allocation} serializes handing out node ids; {@link #labels}' monitor guards the label map and the
 * live/deleted flags; the graph's stripe locks guard its lists.
 */
public final class HnswVectorIndex implements VectorIndex {

    static final int INITIAL_CAPACITY = 256;
    /** A filtered search scans exactly when that costs less than about this many graph candidates per match. */
    static final int EXACT_COST_FACTOR = 16;
    static final int SELECTIVITY_SAMPLE = 512;
    private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

    private final int dimension;
    private final Metric metric;
    private final HnswParams params;
    private final VectorMath math;
    private final MetricDistance distance;
    private final VectorStore store;
    private final HnswGraph graph;
    private final HnswBuilder builder;
    private final ReentrantReadWriteLock mutation = new ReentrantReadWriteLock();
    private final Object allocation = new Object();
    /** label -> live node id; guarded by its own monitor. */
    private final LongIntHashMap labels = new LongIntHashMap();
    private volatile int live;
    private volatile int deleted;

    HnswVectorIndex(int dimension, Metric metric, HnswParams params, VectorMath math, int capacity) {
        if (dimension < 1 || dimension > MAX_DIMENSION) {
            throw new IndexException("dimension must be between 1 and " + MAX_DIMENSION + ", got " + dimension);
        }
        this.dimension = dimension;
        this.metric = Objects.requireNonNull(metric, "metric");
        this.params = Objects.requireNonNull(params, "params");
        this.math = math;
        this.distance = new MetricDistance(math, metric);
        this.store = new VectorStore(dimension, metric != Metric.L2);
        this.graph = new HnswGraph(params.m(), params.seed(), capacity);
        this.builder = new HnswBuilder(graph, store, distance, params.efConstruction());
    }

    public static HnswVectorIndex create(int dimension, Metric metric, HnswParams params) {
        return new HnswVectorIndex(dimension, metric, params, VectorMaths.preferred(), INITIAL_CAPACITY);
    }

    /** As {@link #create} with the given kernels (tests and benchmarks compare them). */
    public static HnswVectorIndex create(int dimension, Metric metric, HnswParams params, VectorMath math) {
        return new HnswVectorIndex(dimension, metric, params, math, INITIAL_CAPACITY);
    }

    /**
     * Checks a checkpoint as {@link #readCheckpoint} does (magic, version, checksum, structure, identity) without
     * building an index, and returns the labels it holds in node order.
     */
    public static long[] checkpointLabels(InputStream in, CheckpointIdentity expected) throws IOException {
        return CheckpointCodec.read(in, expected).graph().labels.clone();
    }

    public static HnswVectorIndex readCheckpoint(InputStream in, CheckpointIdentity expected,
                                                 LongFunction<float[]> vectors) throws IOException {
        Graph graph = CheckpointCodec.read(in, expected).graph();
        int n = graph.size();
        HnswVectorIndex index = new HnswVectorIndex(expected.dimension(), expected.metric(), expected.params(),
                VectorMaths.preferred(), Math.max(INITIAL_CAPACITY, n + n / 4));
        Prepared[] kept = new Prepared[n];
        boolean[] gone = new boolean[n];
        List<Integer> changed = new ArrayList<>();
        List<float[]> changedVectors = new ArrayList<>();
        int goneCount = 0;
        for (int node = 0; node < n; node++) {
            float[] source = vectors.apply(graph.labels[node]);
            if (source == null) {
                gone[node] = true;
                goneCount++;
                continue;
            }
            if (source.length != expected.dimension()) {
                throw new CheckpointMismatchException("a row's vector has dimension " + source.length
                        + " but the collection's dimension is " + expected.dimension());
            }
            Prepared prepared = index.prepare(source);
            if (prepared.sourceHash() != graph.sourceHashes[node]) {
                gone[node] = true;
                goneCount++;
                changed.add(node);
                changedVectors.add(source);
            } else {
                kept[node] = prepared;
            }
        }
        Graph live = graph;
        if (goneCount > 0) {
            live = Graph.withoutGone(graph.labels, graph.sourceHashes, graph.links, gone, graph.entryPoint,
                    expected.params().m());
            Prepared[] dense = new Prepared[live.size()];
            int k = 0;
            for (Prepared prepared : kept) {
                if (prepared != null) {
                    dense[k++] = prepared;
                }
            }
            kept = dense;
        }
        index.install(live, kept);
        for (int i = 0; i < changed.size(); i++) {
            index.add(graph.labels[changed.get(i)], changedVectors.get(i));
        }
        return index;
    }

    /** Puts a checked graph into this new index: node i gets slot i; {@code vectors[i]} is node i's vector. */
    private void install(Graph graph, Prepared[] vectors) {
        synchronized (labels) {
            for (int i = 0; i < graph.size(); i++) {
                store.append(graph.labels[i], vectors[i].vector(), graph.sourceHashes[i]);
                labels.put(graph.labels[i], i);
            }
            this.graph.restore(graph);
            live = graph.size();
        }
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Metric metric() {
        return metric;
    }

    @Override
    public HnswParams params() {
        return params;
    }

    /** The kernels this index computes with. */
    public VectorMath vectorMath() {
        return math;
    }

    /** How many nodes fit before the graph's arrays grow. */
    int capacity() {
        return graph.capacity();
    }

    HnswGraph graph() {
        return graph;
    }

    VectorStore store() {
        return store;
    }

    @Override
    public long memoryBytes() {
        // The label map: a long key and an int value per slot, at a load factor of at most a half.
        return store.bytes() + graph.bytes() + 64 + 24L * live;
    }

    @Override
    public void add(long label, float[] vector) {
        insert(label, prepare(vector));
    }

    @Override
    public void addAll(long[] labels, float[][] vectors, int threads) {
        if (labels.length != vectors.length) {
            throw new IndexException("addAll got " + labels.length + " labels but " + vectors.length + " vectors");
        }
        Prepared[] prepared = new Prepared[labels.length];
        for (int i = 0; i < prepared.length; i++) {
            try {
                prepared[i] = prepare(vectors[i]);
            } catch (IndexException e) {
                throw new IndexException("vector at position " + i + ": " + e.getMessage(), e);
            }
        }
        insertAll(labels, prepared, threads);
    }

    private Prepared prepare(float[] source) {
        return Vectors.prepare(source, dimension, metric, "vector");
    }

    /** Inserts vectors already prepared (checked, normalized for cosine, hashed). */
    void insertAll(long[] labelsToAdd, Prepared[] prepared, int threads) {
        grow(prepared.length);
        Parallel.forEach(prepared.length, threads, i -> insert(labelsToAdd[i], prepared[i]));
    }

    /**
     * Adds a node for {@code label}, or keeps the label's node when its vector is identical (a replayed change):
     * allocate the next node id (growing the arrays when full), link it, then publish it, which marks the label's
     * previous node deleted.
     */
    private void insert(long label, Prepared prepared) {
        int existing;
        synchronized (labels) {
            existing = labels.getIfAbsent(label, -1);
        }
        if (existing >= 0 && store.sourceHash(existing) == prepared.sourceHash()
                && store.equalsVector(existing, prepared.vector())) {
            return;
        }
        while (true) {
            mutation.readLock().lock();
            try {
                int node = allocate(label, prepared);
                if (node >= 0) {
                    builder.insert(node, prepared.vector());
                    publish(label, node);
                    return;
                }
            } finally {
                mutation.readLock().unlock();
            }
            grow(1);
        }
    }

    /** The next node id with its vector stored and its level drawn, or -1 when the arrays are full. */
    private int allocate(long label, Prepared prepared) {
        synchronized (allocation) {
            int node = graph.nodeCount();
            if (node >= graph.capacity()) {
                return -1;
            }
            int slot = store.append(label, prepared.vector(), prepared.sourceHash());
            if (slot != node) {
                throw new IllegalStateException("vector slot " + slot + " is not node id " + node);
            }
            graph.initNode(node, graph.levelFor(node));
            return node;
        }
    }

    private void publish(long label, int node) {
        synchronized (labels) {
            int old = labels.getIfAbsent(label, -1);
            labels.put(label, node);
            graph.setFlag(node, HnswGraph.LIVE);
            if (old >= 0) {
                graph.setFlag(old, HnswGraph.DELETED);
                deleted++;
            } else {
                live++;
            }
        }
    }

    /** Makes room for {@code more} nodes beyond those allocated, doubling at least. */
    private void grow(int more) {
        mutation.writeLock().lock();
        try {
            long needed = (long) graph.nodeCount() + more;
            int capacity = graph.capacity();
            if (needed > capacity) {
                graph.grow((int) Math.min(MAX_CAPACITY, Math.max(needed, 2L * capacity)));
            }
        } finally {
            mutation.writeLock().unlock();
        }
    }

    @Override
    public boolean remove(long label) {
        mutation.readLock().lock();
        try {
            synchronized (labels) {
                int node = labels.removeKeyIfAbsent(label, -1);
                if (node < 0) {
                    return false;
                }
                graph.setFlag(node, HnswGraph.DELETED);
                live--;
                deleted++;
                return true;
            }
        } finally {
            mutation.readLock().unlock();
        }
    }

    @Override
    public boolean contains(long label) {
        synchronized (labels) {
            return labels.containsKey(label);
        }
    }

    @Override
    public int size() {
        return live;
    }

    @Override
    public int deletedCount() {
        synchronized (labels) {
            return deleted;
        }
    }

    @Override
    public double deletedRatio() {
        synchronized (labels) {
            int total = live + deleted;
            return total == 0 ? 0 : (double) deleted / total;
        }
    }

    @Override
    public List<Neighbor> search(float[] query, int k, int ef, LongPredicate filter) {
        float[] q = Vectors.prepareQuery(query, k, dimension, metric);
        if (ef < 1) {
            throw new IndexException("ef must be at least 1, got " + ef);
        }
        int width = Math.max(ef, k);
        int liveNow = live;
        if (liveNow == 0) {
            return List.of();
        }
        if (filter == null) {
            List<Neighbor> found = graphSearch(q, k, width, null);
            return found.size() >= Math.min(k, liveNow) ? found : exact(q, k, null);
        }
        // The graph visits about width / selectivity nodes to collect width matches.
        double selectivity = estimateSelectivity(filter, liveNow);
        if (selectivity * liveNow <= EXACT_COST_FACTOR * (width / selectivity)) {
            return exact(q, k, filter);
        }
        return filteredGraphSearch(q, k, width, filter, liveNow);
    }

    /** The graph path of a filtered search, without the choice of exact scan (tests use it directly). */
    List<Neighbor> searchFilteredGraph(float[] query, int k, int width, LongPredicate filter) {
        return filteredGraphSearch(Vectors.prepareQuery(query, k, dimension, metric), k, width, filter, live);
    }

    private List<Neighbor> filteredGraphSearch(float[] q, int k, int width, LongPredicate filter, int liveNow) {
        List<Neighbor> found = graphSearch(q, k, width, filter);
        // Fewer than k means the traversal ran out of reachable nodes before its result set filled (it only stops
        // early when full), so a wider search cannot help; the exact scan also sees unreachable nodes.
        return found.size() >= Math.min(k, liveNow) ? found : exact(q, k, filter);
    }

    private List<Neighbor> graphSearch(float[] q, int k, int width, LongPredicate filter) {
        NodeHeap results = GraphSearcher.search(graph, store, distance, q, width, filter);
        List<Neighbor> out = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            int node = (int) results.value(i);
            float d = results.key(i);
            if (store.coded()) { // the walk compared int8 codes: re-rank on the float vectors
                d = distance.raw(q, store.chunk(node), store.offset(node));
            }
            out.add(new Neighbor(store.label(node), distance.toScore(d)));
        }
        out.sort(Vectors.BEST_FIRST); // the same order as exact search, ties by label
        return out.size() > k ? new ArrayList<>(out.subList(0, k)) : out;
    }

    private double estimateSelectivity(LongPredicate filter, int liveNow) {
        int total = graph.nodeCount();
        byte[] flags = graph.nodes().flags;
        int sampled = 0;
        int matched = 0;
        if (liveNow <= 2 * SELECTIVITY_SAMPLE) {
            for (int node = 0; node < total; node++) {
                if (flags[node] == HnswGraph.LIVE) {
                    sampled++;
                    matched += filter.test(store.label(node)) ? 1 : 0;
                }
            }
        } else {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int tries = 0; sampled < SELECTIVITY_SAMPLE && tries < 8 * SELECTIVITY_SAMPLE; tries++) {
                int node = random.nextInt(total);
                if (flags[node] == HnswGraph.LIVE) {
                    sampled++;
                    matched += filter.test(store.label(node)) ? 1 : 0;
                }
            }
        }
        return Math.max(matched, 0.5) / Math.max(sampled, 1);
    }

    @Override
    public List<Neighbor> searchExact(float[] query, int k, LongPredicate filter) {
        return exact(Vectors.prepareQuery(query, k, dimension, metric), k, filter);
    }

    private List<Neighbor> exact(float[] q, int k, LongPredicate filter) {
        int total = graph.nodeCount();
        byte[] flags = graph.nodes().flags;
        // Keyed by the negated score, so the top is the worst kept; ties evict the larger label.
        NodeHeap top = NodeHeap.farthestFirst(k);
        for (int node = 0; node < total; node++) {
            if (flags[node] != HnswGraph.LIVE) {
                continue;
            }
            long label = store.label(node);
            if (filter == null || filter.test(label)) {
                top.offer(-distance.score(q, store.chunk(node), store.offset(node)), label, k);
            }
        }
        Neighbor[] best = new Neighbor[top.size()];
        for (int i = best.length - 1; i >= 0; i--) {
            float score = -top.topKey();
            best[i] = new Neighbor(top.pop(), score);
        }
        return new ArrayList<>(List.of(best));
    }

    @Override
    public void writeCheckpoint(OutputStream out, CheckpointIdentity identity) throws IOException {
        if (identity.dimension() != dimension || identity.metric() != metric
                || identity.params().m() != params.m()
                || identity.params().efConstruction() != params.efConstruction()) {
            throw new IndexException("checkpoint identity does not describe this index (dimension, metric, m or "
                    + "efConstruction differ)");
        }
        CheckpointCodec.write(out, identity, snapshot());
    }

    /** The live graph, copied while no insert or removal is in flight. */
    Graph snapshot() {
        mutation.writeLock().lock();
        try {
            return graph.snapshot(store);
        } finally {
            mutation.writeLock().unlock();
        }
    }

    @Override
    public VectorIndex compactCopy(int threads) {
        List<Integer> liveNodes = new ArrayList<>();
        mutation.writeLock().lock();
        try {
            int total = graph.nodeCount();
            for (int node = 0; node < total; node++) {
                if (graph.flag(node) == HnswGraph.LIVE) {
                    liveNodes.add(node);
                }
            }
        } finally {
            mutation.writeLock().unlock();
        }
        int count = liveNodes.size();
        HnswVectorIndex copy = new HnswVectorIndex(dimension, metric, params, math,
                Math.max(INITIAL_CAPACITY, count + count / 4));
        long[] copiedLabels = new long[count];
        Prepared[] copied = new Prepared[count];
        for (int i = 0; i < count; i++) {
            int node = liveNodes.get(i);
            copiedLabels[i] = store.label(node);
            copied[i] = new Prepared(store.copy(node), store.sourceHash(node)); // already normalized
        }
        copy.insertAll(copiedLabels, copied, threads);
        return copy;
    }
}
