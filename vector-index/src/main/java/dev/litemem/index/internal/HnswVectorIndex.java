package dev.litemem.index.internal;

import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import com.github.jelmerk.hnswlib.core.hnsw.SizeLimitExceededException;
import dev.litemem.index.CheckpointIdentity;
import dev.litemem.index.CheckpointMismatchException;
import dev.litemem.index.HnswParams;
import dev.litemem.index.IndexException;
import dev.litemem.index.Metric;
import dev.litemem.index.Neighbor;
import dev.litemem.index.VectorIndex;
import org.eclipse.collections.api.list.primitive.MutableIntList;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;

/**
 * {@link VectorIndex} over hnswlib-core's HnswIndex with our distance kernels: hnswlib-core builds the graph,
 * {@link GraphSearcher} searches it (with the filter applied during traversal). Adds, removes and searches share a
 * read lock (hnswlib-core handles concurrent adds up to the size of its visited-set pool, which we enforce with a
 * semaphore because beyond it the library deadlocks); growing the capacity, snapshotting for a checkpoint and
 * compaction take the write lock, so none of them sees a half-inserted node.
 */
public final class HnswVectorIndex implements VectorIndex {

    static final int INITIAL_CAPACITY = 1024;
    /** A filtered search scans exactly when that costs less than about this many graph candidates per match. */
    static final int EXACT_COST_FACTOR = 16;
    static final int SELECTIVITY_SAMPLE = 512;

    private final int dimension;
    private final Metric metric;
    private final HnswParams params;
    private final VectorMath math;
    private final MetricDistance distance;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final HnswIndex<Long, StoredVector, StoredVector, Float> hnsw;
    /** Every vector once, in flat arrays; see {@link VectorStore}. */
    private final VectorStore store;
    /** Flat copies of each node's slot, level-0 list and deleted flag; grown only under the write lock. */
    private final NodeMirror mirror;
    /** Caps concurrent calls into hnswlib-core at its visited-set pool size; see HnswInternals#visitedPoolSize. */
    private volatile Semaphore hnswSlots;

    HnswVectorIndex(int dimension, Metric metric, HnswParams params, VectorMath math, int capacity) {
        HnswInternals.verify();
        if (dimension < 1 || dimension > MAX_DIMENSION) {
            throw new IndexException("dimension must be between 1 and " + MAX_DIMENSION + ", got " + dimension);
        }
        this.dimension = dimension;
        this.metric = Objects.requireNonNull(metric, "metric");
        this.params = Objects.requireNonNull(params, "params");
        this.math = math;
        this.distance = new MetricDistance(math, metric);
        this.store = new VectorStore(dimension, metric != Metric.L2);
        this.hnsw = newHnsw(capacity);
        this.mirror = new NodeMirror(capacity, 2 * params.m());
        this.hnswSlots = new Semaphore(HnswInternals.visitedPoolSize(hnsw));
    }

    public static HnswVectorIndex create(int dimension, Metric metric, HnswParams params) {
        return new HnswVectorIndex(dimension, metric, params, VectorMaths.preferred(), INITIAL_CAPACITY);
    }

    /** As {@link #create} with the given kernels (tests and benchmarks compare them). */
    public static HnswVectorIndex create(int dimension, Metric metric, HnswParams params, VectorMath math) {
        return new HnswVectorIndex(dimension, metric, params, math, INITIAL_CAPACITY);
    }

    public static HnswVectorIndex readCheckpoint(InputStream in, CheckpointIdentity expected,
                                                 LongFunction<float[]> vectors) throws IOException {
        CheckpointCodec.Decoded decoded = CheckpointCodec.read(in, expected);
        Graph graph = decoded.graph();
        int n = graph.size();
        StoredVector[] items = new StoredVector[n];
        boolean[] gone = new boolean[n];
        List<Integer> changed = new ArrayList<>();
        List<float[]> changedVectors = new ArrayList<>();
        HnswVectorIndex index = new HnswVectorIndex(expected.dimension(), expected.metric(), expected.params(),
                VectorMaths.preferred(), Math.max(INITIAL_CAPACITY, n + n / 4));
        int goneCount = 0;
        for (int node = 0; node < n; node++) {
            long label = graph.labels[node];
            float[] source = vectors.apply(label);
            if (source == null) {
                gone[node] = true;
                goneCount++;
                continue;
            }
            if (source.length != expected.dimension()) {
                throw new CheckpointMismatchException("a row's vector has dimension " + source.length
                        + " but the collection's dimension is " + expected.dimension());
            }
            Prepared prepared = index.prepare(source, "vector");
            if (prepared.sourceHash != graph.sourceHashes[node]) {
                gone[node] = true;
                goneCount++;
                changed.add(node);
                changedVectors.add(source);
            } else {
                // Appended in node order, so the kept nodes' slots equal their ids after renumbering.
                items[node] = index.store(label, prepared);
            }
        }
        if (goneCount > 0) {
            graph = Graph.withoutGone(graph.labels, graph.sourceHashes, graph.links, gone, graph.entryPoint,
                    expected.params().m());
            StoredVector[] kept = new StoredVector[graph.size()];
            int k = 0;
            for (StoredVector item : items) {
                if (item != null) {
                    kept[k++] = item;
                }
            }
            items = kept;
        }
        HnswInternals.restore(index.hnsw, items, graph.links, graph.entryPoint);
        index.mirror.restored(HnswInternals.nodes(index.hnsw), items.length, items);
        for (int i = 0; i < changed.size(); i++) {
            index.add(decoded.graph().labels[changed.get(i)], changedVectors.get(i));
        }
        return index;
    }

    private HnswIndex<Long, StoredVector, StoredVector, Float> newHnsw(int capacity) {
        return HnswIndex.newBuilder(dimension, distance, capacity)
                .withM(params.m())
                .withEfConstruction(params.efConstruction())
                .withEf(1) // unused: GraphSearcher takes a width per query
                .withRemoveEnabled()
                .build();
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

    HnswIndex<Long, StoredVector, StoredVector, Float> hnsw() {
        return hnsw;
    }

    /**
     * Per node, what hnswlib-core holds beside our arrays: the node, its connections array, a level-0 list with
     * room for 2M links, our item and its entry in the label lookup (about 300 bytes at M 16; counted by layout, for
     * 64-bit JVMs with compressed references).
     */
    private long bytesPerNode() {
        return 32 + 24 + (24 + 16 + 4L * 2 * params.m()) + 32 + 40 + 8;
    }

    @Override
    public long memoryBytes() {
        lock.readLock().lock();
        try {
            return store.bytes() + mirror.bytes() + HnswInternals.nodeCount(hnsw) * bytesPerNode();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** See {@link NodeMirror#differenceFrom}; null when the flat copies match hnswlib-core's graph. */
    String mirrorDifference() {
        lock.writeLock().lock();
        try {
            return mirror.differenceFrom(HnswInternals.nodes(hnsw), HnswInternals.nodeCount(hnsw));
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The kernels this index computes with. */
    public VectorMath vectorMath() {
        return math;
    }

    @Override
    public void add(long label, float[] vector) {
        Prepared prepared = prepare(vector, "vector");
        lock.readLock().lock();
        try {
            // hnswlib-core replaces a node on every re-add; an identical vector (a replayed change) keeps it.
            StoredVector existing = hnsw.get(label).orElse(null);
            if (existing != null && existing.sourceHash == prepared.sourceHash
                    && store.equalsVector(existing.slot, prepared.vector)) {
                return;
            }
        } finally {
            lock.readLock().unlock();
        }
        insert(store(label, prepared));
    }

    @Override
    public void addAll(long[] labels, float[][] vectors, int threads) {
        if (labels.length != vectors.length) {
            throw new IndexException("addAll got " + labels.length + " labels but " + vectors.length + " vectors");
        }
        StoredVector[] items = new StoredVector[labels.length];
        for (int i = 0; i < items.length; i++) {
            try {
                items[i] = store(labels[i], prepare(vectors[i], "vector"));
            } catch (IndexException e) {
                throw new IndexException("vector at position " + i + ": " + e.getMessage(), e);
            }
        }
        insertAll(items, threads);
    }

    private void insertAll(StoredVector[] items, int threads) {
        ensureCapacity(items.length);
        int workers = Math.max(1, Math.min(threads, items.length / 64));
        if (workers == 1) {
            for (StoredVector item : items) {
                insert(item);
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers, runnable -> {
            Thread thread = new Thread(runnable, "litemem-index-add");
            thread.setDaemon(true);
            return thread;
        });
        try {
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < items.length; i = next.getAndIncrement()) {
                        insert(items[i]);
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IndexException("interrupted while adding vectors", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IndexException("adding vectors failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** A validated copy of a vector as searched (normalized for cosine), with the hash of the source. */
    private record Prepared(float[] vector, int sourceHash) {
    }

    private Prepared prepare(float[] source, String what) {
        float[] vector = checkVector(source, what);
        int hash = StoredVector.hash(vector);
        if (metric == Metric.COSINE) {
            normalizeInPlace(vector);
        }
        return new Prepared(vector, hash);
    }

    private StoredVector store(long label, Prepared prepared) {
        return new StoredVector(label, store.append(label, prepared.vector), prepared.sourceHash, store);
    }

    private float[] checkVector(float[] source, String what) {
        if (source == null) {
            throw new IndexException(what + " is null");
        }
        if (source.length != dimension) {
            throw new IndexException(what + " has dimension " + source.length + " but the index has " + dimension);
        }
        double norm = 0;
        for (float x : source) {
            if (!Float.isFinite(x)) {
                throw new IndexException(what + " contains NaN or Infinity: embed again or drop the record");
            }
            norm += (double) x * x;
        }
        if (metric == Metric.COSINE && norm == 0) {
            throw new IndexException(what + " is all zeros, which has no cosine similarity to anything");
        }
        return source.clone();
    }

    private static void normalizeInPlace(float[] vector) {
        double norm = 0;
        for (float x : vector) {
            norm += (double) x * x;
        }
        float inverse = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < vector.length; i++) {
            vector[i] *= inverse;
        }
    }

    private void insert(StoredVector item) {
        int replaced = -1; // the label's old node, which hnswlib-core removes when the label is added again
        boolean firstAttempt = true;
        while (true) {
            lock.readLock().lock();
            Semaphore slots = hnswSlots;
            slots.acquireUninterruptibly();
            AtomicReferenceArray<Object> nodes = HnswInternals.nodes(hnsw);
            try {
                if (firstAttempt) {
                    replaced = HnswInternals.nodeId(hnsw, item.label);
                    firstAttempt = false;
                }
                hnsw.add(item);
                int id = HnswInternals.nodeId(hnsw, item.label);
                Object node = id >= 0 ? nodes.get(id) : null;
                if (node != null && HnswInternals.item(node) == item) {
                    mirror.nodeAdded(nodes, id, node, item.slot);
                }
                return;
            } catch (SizeLimitExceededException full) {
                // fall through: grow, then retry (hnswlib-core may have removed the old node before refusing)
            } finally {
                if (replaced >= 0 && HnswInternals.deleted(nodes.get(replaced))) {
                    mirror.markDeleted(replaced);
                }
                slots.release();
                lock.readLock().unlock();
            }
            ensureCapacity(1);
        }
    }

    private void ensureCapacity(int more) {
        lock.writeLock().lock();
        try {
            int needed = HnswInternals.nodeCount(hnsw) + more;
            int capacity = hnsw.getMaxItemCount();
            if (needed > capacity) {
                int grown = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * capacity));
                hnsw.resize(grown);
                mirror.grow(grown);
                hnswSlots = new Semaphore(HnswInternals.visitedPoolSize(hnsw)); // resize made a new pool
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public boolean remove(long label) {
        lock.readLock().lock();
        try {
            int id = HnswInternals.nodeId(hnsw, label);
            boolean removed = hnsw.remove(label, 0);
            if (removed) {
                mirror.markDeleted(id);
            }
            return removed;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public boolean contains(long label) {
        lock.readLock().lock();
        try {
            return hnsw.get(label).isPresent();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public int size() {
        lock.readLock().lock();
        try {
            return hnsw.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public int deletedCount() {
        lock.writeLock().lock();
        try {
            return HnswInternals.nodeCount(hnsw) - hnsw.size();
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public double deletedRatio() {
        lock.writeLock().lock();
        try {
            int total = HnswInternals.nodeCount(hnsw);
            return total == 0 ? 0 : (double) (total - hnsw.size()) / total;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public List<Neighbor> search(float[] query, int k, int ef, LongPredicate filter) {
        float[] q = prepareQuery(query, k);
        if (ef < 1) {
            throw new IndexException("ef must be at least 1, got " + ef);
        }
        int width = Math.max(ef, k);
        lock.readLock().lock();
        try {
            int live = hnsw.size();
            if (live == 0) {
                return List.of();
            }
            if (filter == null) {
                List<Neighbor> found = graphSearch(q, k, width, null);
                return found.size() >= Math.min(k, live) ? found : exact(q, k, null);
            }
            // The graph visits about width / selectivity nodes to collect width matches.
            double selectivity = estimateSelectivity(filter, live);
            if (selectivity * live <= EXACT_COST_FACTOR * (width / selectivity)) {
                return exact(q, k, filter);
            }
            return filteredGraphSearch(q, k, width, filter, live);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The graph path of a filtered search, without the choice of exact scan (tests use it directly). */
    List<Neighbor> searchFilteredGraph(float[] query, int k, int width, LongPredicate filter) {
        float[] q = prepareQuery(query, k);
        lock.readLock().lock();
        try {
            return filteredGraphSearch(q, k, width, filter, hnsw.size());
        } finally {
            lock.readLock().unlock();
        }
    }

    private List<Neighbor> filteredGraphSearch(float[] q, int k, int width, LongPredicate filter, int live) {
        List<Neighbor> found = graphSearch(q, k, width, filter);
        // Fewer than k means the traversal ran out of reachable nodes before its result set filled (it only stops
        // early when full), so a wider search cannot help; the exact scan also sees unreachable nodes.
        return found.size() >= Math.min(k, live) ? found : exact(q, k, filter);
    }

    private List<Neighbor> graphSearch(float[] q, int k, int width, LongPredicate filter) {
        GraphSearcher.Results results = GraphSearcher.search(hnsw, store, mirror, distance, q, width, filter);
        List<Neighbor> out = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            float d = results.distance(i);
            if (store.coded()) { // the walk compared int8 codes: re-rank on the float vectors
                int slot = results.slot(i);
                d = distance.raw(q, store.chunk(slot), store.offset(slot));
            }
            out.add(new Neighbor(results.label(i), distance.toScore(d)));
        }
        out.sort(TopK.BEST_FIRST); // the same order as exact search, ties by label
        return out.size() > k ? new ArrayList<>(out.subList(0, k)) : out;
    }

    private double estimateSelectivity(LongPredicate filter, int live) {
        AtomicReferenceArray<Object> nodes = HnswInternals.nodes(hnsw);
        int total = HnswInternals.nodeCount(hnsw);
        int sampled = 0;
        int matched = 0;
        if (live <= 2 * SELECTIVITY_SAMPLE) {
            for (int i = 0; i < total; i++) {
                Object node = nodes.get(i);
                if (node != null && !HnswInternals.deleted(node)) {
                    sampled++;
                    matched += filter.test(HnswInternals.item(node).label) ? 1 : 0;
                }
            }
        } else {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int tries = 0; sampled < SELECTIVITY_SAMPLE && tries < 8 * SELECTIVITY_SAMPLE; tries++) {
                Object node = nodes.get(random.nextInt(total));
                if (node != null && !HnswInternals.deleted(node)) {
                    sampled++;
                    matched += filter.test(HnswInternals.item(node).label) ? 1 : 0;
                }
            }
        }
        return Math.max(matched, 0.5) / Math.max(sampled, 1);
    }

    @Override
    public List<Neighbor> searchExact(float[] query, int k, LongPredicate filter) {
        float[] q = prepareQuery(query, k);
        lock.readLock().lock();
        try {
            return exact(q, k, filter);
        } finally {
            lock.readLock().unlock();
        }
    }

    private List<Neighbor> exact(float[] q, int k, LongPredicate filter) {
        AtomicReferenceArray<Object> nodes = HnswInternals.nodes(hnsw);
        int total = HnswInternals.nodeCount(hnsw);
        TopK top = new TopK(k);
        for (int i = 0; i < total; i++) {
            Object node = nodes.get(i);
            if (node == null || HnswInternals.deleted(node)) {
                continue;
            }
            StoredVector item = HnswInternals.item(node);
            if (filter == null || filter.test(item.label)) {
                top.offer(item.label, distance.score(q, store.chunk(item.slot), store.offset(item.slot)));
            }
        }
        return top.toList();
    }

    private float[] prepareQuery(float[] query, int k) {
        if (k < 1) {
            throw new IndexException("k must be at least 1, got " + k);
        }
        float[] q = checkVector(query, "query");
        if (metric == Metric.COSINE) {
            normalizeInPlace(q);
        }
        return q;
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

    /** The live graph, copied under the write lock so no insert is half-done. */
    Graph snapshot() {
        lock.writeLock().lock();
        try {
            AtomicReferenceArray<Object> nodes = HnswInternals.nodes(hnsw);
            int total = HnswInternals.nodeCount(hnsw);
            long[] labels = new long[total];
            int[] hashes = new int[total];
            int[][][] links = new int[total][][];
            boolean[] gone = new boolean[total];
            for (int i = 0; i < total; i++) {
                Object node = nodes.get(i);
                StoredVector item = HnswInternals.item(node);
                labels[i] = item.label;
                hashes[i] = item.sourceHash;
                gone[i] = HnswInternals.deleted(node);
                MutableIntList[] connections = HnswInternals.connections(node);
                links[i] = new int[connections.length][];
                for (int level = 0; level < connections.length; level++) {
                    links[i][level] = connections[level].toArray();
                }
            }
            Object entry = HnswInternals.entryPoint(hnsw);
            int entryId = entry == null ? -1 : indexOf(nodes, total, entry);
            return Graph.withoutGone(labels, hashes, links, gone, entryId, params.m());
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static int indexOf(AtomicReferenceArray<Object> nodes, int total, Object node) {
        for (int i = 0; i < total; i++) {
            if (nodes.get(i) == node) {
                return i;
            }
        }
        throw new IllegalStateException("hnswlib-core's entry point is not among its nodes");
    }

    @Override
    public VectorIndex compactCopy(int threads) {
        List<StoredVector> live = new ArrayList<>();
        lock.writeLock().lock();
        try {
            AtomicReferenceArray<Object> nodes = HnswInternals.nodes(hnsw);
            int total = HnswInternals.nodeCount(hnsw);
            for (int i = 0; i < total; i++) {
                Object node = nodes.get(i);
                if (!HnswInternals.deleted(node)) {
                    live.add(HnswInternals.item(node));
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
        HnswVectorIndex copy = new HnswVectorIndex(dimension, metric, params, math,
                Math.max(INITIAL_CAPACITY, live.size() + live.size() / 4));
        StoredVector[] moved = new StoredVector[live.size()];
        for (int i = 0; i < moved.length; i++) {
            StoredVector item = live.get(i);
            moved[i] = new StoredVector(item.label, copy.store.append(item.label, store.copy(item.slot)),
                    item.sourceHash, copy.store);
        }
        copy.insertAll(moved, threads);
        return copy;
    }
}
