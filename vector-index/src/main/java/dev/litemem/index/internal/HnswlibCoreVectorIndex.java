package dev.litemem.index.internal;

import com.github.jelmerk.hnswlib.core.DistanceFunction;
import com.github.jelmerk.hnswlib.core.Item;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import com.github.jelmerk.hnswlib.core.hnsw.SizeLimitExceededException;
import dev.litemem.index.CheckpointIdentity;
import dev.litemem.index.HnswParams;
import dev.litemem.index.IndexException;
import dev.litemem.index.Metric;
import dev.litemem.index.Neighbor;
import dev.litemem.index.VectorIndex;
import dev.litemem.index.internal.Vectors.Prepared;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongPredicate;

/**
 * {@link VectorIndex} over hnswlib-core 1.2.1 through its public API only: it builds and searches the graph
 * itself, with our distance kernels. The reference implementation, selected with
 * {@link VectorIndex.Implementation#HNSWLIB_CORE}.
 *
 * <p>What differs from the default implementation: a filtered search scans exactly (the library has no filter);
 * levels are drawn from {@code ThreadLocalRandom} (not seeded); {@link #writeCheckpoint} is refused, as the library
 * keeps its graph private (its own Java serialization also writes every vector). Concurrency: hnswlib-core pools
 * one visited-set per core and blocks for one while holding node monitors, which deadlocks with more concurrent
 * callers than the pool holds, so calls into it take one of as many permits; growing its capacity
 * ({@code resize}) takes the write side of a lock whose read side every other call holds.
 */
public final class HnswlibCoreVectorIndex implements VectorIndex {

    static final int INITIAL_CAPACITY = 1024;
    /** hnswlib-core sizes its visited-set pool to the processors the JVM reports when the index is built. */
    private static final int LIBRARY_POOL = Runtime.getRuntime().availableProcessors();

    /** A stored vector (as searched: normalized for cosine) under its label. */
    record Entry(Long id, float[] vector) implements Item<Long, float[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public int dimensions() {
            return vector.length;
        }
    }

    /** Our kernels as hnswlib-core's lower-is-better distance (the same as {@link MetricDistance}). */
    static final class KernelDistance implements DistanceFunction<float[], Float> {
        private static final long serialVersionUID = 1L;
        private final transient VectorMath math;
        private final boolean l2;

        KernelDistance(VectorMath math, Metric metric) {
            this.math = math;
            this.l2 = metric == Metric.L2;
        }

        @Override
        public Float distance(float[] u, float[] v) {
            return l2 ? math.squaredDistance(u, v) : 1f - math.dot(u, v);
        }
    }

    private final int dimension;
    private final Metric metric;
    private final HnswParams params;
    private final VectorMath math;
    private final HnswIndex<Long, float[], Entry, Float> hnsw;
    private final ReentrantReadWriteLock resizeLock = new ReentrantReadWriteLock();
    private final Semaphore permits = new Semaphore(LIBRARY_POOL);
    private final AtomicInteger deleted = new AtomicInteger();

    HnswlibCoreVectorIndex(int dimension, Metric metric, HnswParams params, VectorMath math, int capacity) {
        if (dimension < 1 || dimension > MAX_DIMENSION) {
            throw new IndexException("dimension must be between 1 and " + MAX_DIMENSION + ", got " + dimension);
        }
        this.dimension = dimension;
        this.metric = Objects.requireNonNull(metric, "metric");
        this.params = Objects.requireNonNull(params, "params");
        this.math = math;
        this.hnsw = HnswIndex.newBuilder(dimension, new KernelDistance(math, metric), capacity)
                .withM(params.m())
                .withEfConstruction(params.efConstruction())
                .withEf(1) // a search asks for max(ef, k) results and keeps the best k
                .withRemoveEnabled()
                .build();
    }

    public static HnswlibCoreVectorIndex create(int dimension, Metric metric, HnswParams params) {
        return new HnswlibCoreVectorIndex(dimension, metric, params, VectorMaths.preferred(), INITIAL_CAPACITY);
    }

    /** The library's index (tests read its graph through its public save()). */
    HnswIndex<Long, float[], Entry, Float> hnsw() {
        return hnsw;
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

    @Override
    public void add(long label, float[] vector) {
        insert(new Entry(label, Vectors.prepare(vector, dimension, metric, "vector").vector()));
    }

    @Override
    public void addAll(long[] labels, float[][] vectors, int threads) {
        if (labels.length != vectors.length) {
            throw new IndexException("addAll got " + labels.length + " labels but " + vectors.length + " vectors");
        }
        Entry[] entries = new Entry[labels.length];
        for (int i = 0; i < entries.length; i++) {
            try {
                Prepared prepared = Vectors.prepare(vectors[i], dimension, metric, "vector");
                entries[i] = new Entry(labels[i], prepared.vector());
            } catch (IndexException e) {
                throw new IndexException("vector at position " + i + ": " + e.getMessage(), e);
            }
        }
        Parallel.forEach(entries.length, threads, i -> insert(entries[i]));
    }

    /** The library keeps the node of an identical re-add and replaces (soft-deletes) the node of a changed one. */
    private void insert(Entry entry) {
        while (true) {
            resizeLock.readLock().lock();
            permits.acquireUninterruptibly();
            try {
                Optional<Entry> old = hnsw.get(entry.id());
                hnsw.add(entry);
                if (old.isPresent() && !Arrays.equals(old.get().vector(), entry.vector())) {
                    deleted.incrementAndGet();
                }
                return;
            } catch (SizeLimitExceededException full) {
                // grow, then retry
            } finally {
                permits.release();
                resizeLock.readLock().unlock();
            }
            resizeLock.writeLock().lock();
            try {
                hnsw.resize((int) Math.min(Integer.MAX_VALUE - 8, 2L * hnsw.getMaxItemCount()));
            } finally {
                resizeLock.writeLock().unlock();
            }
        }
    }

    @Override
    public boolean remove(long label) {
        resizeLock.readLock().lock();
        try {
            boolean removed = hnsw.remove(label, 0);
            if (removed) {
                deleted.incrementAndGet();
            }
            return removed;
        } finally {
            resizeLock.readLock().unlock();
        }
    }

    @Override
    public boolean contains(long label) {
        return hnsw.contains(label);
    }

    @Override
    public int size() {
        return hnsw.size();
    }

    @Override
    public int deletedCount() {
        return deleted.get();
    }

    @Override
    public double deletedRatio() {
        int removed = deleted.get();
        int total = size() + removed;
        return total == 0 ? 0 : (double) removed / total;
    }

    /** By layout: the vector and its item, the library's node, lists and lookup entry (about 300 bytes at M 16). */
    @Override
    public long memoryBytes() {
        return (long) (size() + deleted.get()) * (16 + 4L * dimension + 24 + 32 + 24 + 16 + 8L * params.m() + 40);
    }

    @Override
    public List<Neighbor> search(float[] query, int k, int ef, LongPredicate filter) {
        float[] q = Vectors.prepareQuery(query, k, dimension, metric);
        if (ef < 1) {
            throw new IndexException("ef must be at least 1, got " + ef);
        }
        if (filter != null) {
            return exact(q, k, filter); // hnswlib-core has no filtered search
        }
        List<SearchResult<Entry, Float>> found;
        resizeLock.readLock().lock();
        permits.acquireUninterruptibly();
        try {
            found = hnsw.findNearest(q, Math.max(ef, k));
        } finally {
            permits.release();
            resizeLock.readLock().unlock();
        }
        List<Neighbor> out = new ArrayList<>(Math.min(k, found.size()));
        for (SearchResult<Entry, Float> result : found) {
            out.add(new Neighbor(result.item().id(), toScore(result.distance())));
        }
        out.sort(Vectors.BEST_FIRST);
        if (out.size() < Math.min(k, size())) {
            return exact(q, k, null);
        }
        return out.size() > k ? new ArrayList<>(out.subList(0, k)) : out;
    }

    @Override
    public List<Neighbor> searchExact(float[] query, int k, LongPredicate filter) {
        return exact(Vectors.prepareQuery(query, k, dimension, metric), k, filter);
    }

    private List<Neighbor> exact(float[] q, int k, LongPredicate filter) {
        Collection<Entry> items = hnsw.items();
        NodeHeap top = NodeHeap.farthestFirst(k); // keyed by the negated score: the worst on top
        for (Entry item : items) {
            if (filter == null || filter.test(item.id())) {
                float score = metric == Metric.L2 ? (float) (0.0 - Math.sqrt(math.squaredDistance(q, item.vector())))
                        : math.dot(q, item.vector());
                top.offer(-score, item.id(), k);
            }
        }
        Neighbor[] best = new Neighbor[top.size()];
        for (int i = best.length - 1; i >= 0; i--) {
            float score = -top.topKey();
            best[i] = new Neighbor(top.pop(), score);
        }
        return new ArrayList<>(Arrays.asList(best));
    }

    private float toScore(float distance) {
        return metric == Metric.L2 ? (float) (0.0 - Math.sqrt(distance)) : 1f - distance;
    }

    /** Refused: hnswlib-core's graph is not readable through its public API. */
    @Override
    public void writeCheckpoint(OutputStream out, CheckpointIdentity identity) {
        throw new IndexException("the hnswlib-core implementation cannot write checkpoints (the library keeps its "
                + "graph private): use the default implementation for indexes that are checkpointed");
    }

    @Override
    public VectorIndex compactCopy(int threads) {
        Collection<Entry> items = hnsw.items();
        HnswlibCoreVectorIndex copy = new HnswlibCoreVectorIndex(dimension, metric, params, math,
                Math.max(INITIAL_CAPACITY, items.size() + items.size() / 4));
        Entry[] live = items.toArray(new Entry[0]);
        Parallel.forEach(live.length, threads, i -> copy.insert(live[i])); // already normalized
        return copy;
    }
}
