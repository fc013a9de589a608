package dev.litemem.index.internal;

import dev.litemem.index.HnswParams;
import dev.litemem.index.IndexException;
import dev.litemem.index.Metric;
import dev.litemem.index.Neighbor;
import dev.litemem.index.VectorIndex;
import dev.litemem.index.internal.Vectors.Checked;
import dev.litemem.index.internal.Vectors.Prepared;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongPredicate;
import org.eclipse.collections.impl.map.mutable.primitive.LongIntHashMap;

/**
 * Vectors in one flat array and nothing else: every search is an exact scan. For small collections, where a scan
 * costs about what a graph walk does and building or loading a graph costs far more than either. Scores and their
 * order are those of {@link HnswVectorIndex#searchExact}. Removal moves the last vector into the freed slot, so
 * nothing is ever deleted-but-held. Writes take the lock's write side, searches its read side.
 */
public final class ExactVectorIndex implements VectorIndex {
    private final int dimension;
    private final Metric metric;
    private final HnswParams params;
    private final MetricDistance distance;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final LongIntHashMap slots = new LongIntHashMap();
    private long[] labels = new long[16];
    private int[] sourceHashes = new int[16];
    private float[] vectors;
    private int size;

    private ExactVectorIndex(int dimension, Metric metric, HnswParams params) {
        if (dimension < 1 || dimension > MAX_DIMENSION) {
            throw new IndexException("dimension must be between 1 and " + MAX_DIMENSION + ", got " + dimension);
        }
        this.dimension = dimension;
        this.metric = java.util.Objects.requireNonNull(metric, "metric");
        this.params = java.util.Objects.requireNonNull(params, "params");
        this.distance = new MetricDistance(VectorMaths.preferred(), metric);
        this.vectors = new float[16 * dimension];
    }

    public static ExactVectorIndex create(int dimension, Metric metric, HnswParams params) {
        return new ExactVectorIndex(dimension, metric, params);
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
        Checked p = Vectors.check(vector, dimension, metric, "vector");
        lock.writeLock().lock();
        try {
            put(label, p);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void addAll(long[] labelsToAdd, float[][] toAdd, int threads) {
        if (labelsToAdd.length != toAdd.length) {
            throw new IndexException("addAll got " + labelsToAdd.length + " labels but " + toAdd.length + " vectors");
        }
        Checked[] prepared = new Checked[toAdd.length];
        for (int i = 0; i < prepared.length; i++) {
            try {
                prepared[i] = Vectors.check(toAdd[i], dimension, metric, "vector");
            } catch (IndexException e) {
                throw new IndexException("vector at position " + i + ": " + e.getMessage(), e);
            }
        }
        lock.writeLock().lock();
        try {
            int needed = size + prepared.length;
            if (needed > labels.length) {
                labels = Arrays.copyOf(labels, needed);
                sourceHashes = Arrays.copyOf(sourceHashes, needed);
                vectors = Arrays.copyOf(vectors, needed * dimension);
            }
            for (int i = 0; i < prepared.length; i++) {
                put(labelsToAdd[i], prepared[i]);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void put(long label, Checked p) {
        int slot = slots.getIfAbsent(label, -1);
        if (slot < 0) {
            if (size == labels.length) {
                int capacity = Math.max(16, size * 2);
                labels = Arrays.copyOf(labels, capacity);
                sourceHashes = Arrays.copyOf(sourceHashes, capacity);
                vectors = Arrays.copyOf(vectors, capacity * dimension);
            }
            slot = size++;
            slots.put(label, slot);
            labels[slot] = label;
        }
        sourceHashes[slot] = p.sourceHash();
        Vectors.copyAsSearched(p, metric, vectors, slot * dimension);
    }

    @Override
    public boolean remove(long label) {
        lock.writeLock().lock();
        try {
            int slot = slots.getIfAbsent(label, -1);
            if (slot < 0) {
                return false;
            }
            slots.remove(label);
            int last = --size;
            if (slot != last) {
                labels[slot] = labels[last];
                sourceHashes[slot] = sourceHashes[last];
                System.arraycopy(vectors, last * dimension, vectors, slot * dimension, dimension);
                slots.put(labels[slot], slot);
            }
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public boolean contains(long label) {
        lock.readLock().lock();
        try {
            return slots.containsKey(label);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public int size() {
        lock.readLock().lock();
        try {
            return size;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public int deletedCount() {
        return 0;
    }

    @Override
    public double deletedRatio() {
        return 0;
    }

    @Override
    public long memoryBytes() {
        lock.readLock().lock();
        try {
            return 4L * vectors.length + 12L * labels.length + 32L * size + 128;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Exact, whatever {@code ef}: there is no graph. */
    @Override
    public List<Neighbor> search(float[] query, int k, int ef, LongPredicate filter) {
        return searchExact(query, k, filter);
    }

    @Override
    public List<Neighbor> searchExact(float[] query, int k, LongPredicate filter) {
        float[] q = Vectors.prepareQuery(query, k, dimension, metric);
        NodeHeap top = NodeHeap.farthestFirst(Math.min(k, 1024));
        lock.readLock().lock();
        try {
            for (int slot = 0; slot < size; slot++) {
                long label = labels[slot];
                if (filter == null || filter.test(label)) {
                    top.offer(-distance.score(q, vectors, slot * dimension), label, k);
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        Neighbor[] best = new Neighbor[top.size()];
        for (int i = best.length - 1; i >= 0; i--) {
            float score = -top.topKey();
            best[i] = new Neighbor(top.pop(), score);
        }
        return new ArrayList<>(List.of(best));
    }

    /** Refused: there is no graph to write (callers check {@link #hasGraph()} first). */
    @Override
    public void writeCheckpoint(OutputStream out, dev.litemem.index.CheckpointIdentity identity) {
        throw new IndexException("an exact index has no graph to checkpoint");
    }

    @Override
    public boolean hasGraph() {
        return false;
    }

    @Override
    public VectorIndex compactCopy(int threads) {
        lock.readLock().lock();
        try {
            ExactVectorIndex copy = new ExactVectorIndex(dimension, metric, params);
            copy.labels = Arrays.copyOf(labels, Math.max(16, size));
            copy.sourceHashes = Arrays.copyOf(sourceHashes, Math.max(16, size));
            copy.vectors = Arrays.copyOf(vectors, Math.max(16, size) * dimension);
            copy.size = size;
            for (int i = 0; i < size; i++) {
                copy.slots.put(labels[i], i);
            }
            return copy;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * An HNSW index holding this index's vectors (already normalized: inserted as they are), built on up to
     * {@code threads} threads; this index stays usable meanwhile.
     */
    @Override
    public VectorIndex withGraph(int threads) {
        long[] copiedLabels;
        Prepared[] copied;
        lock.readLock().lock();
        try {
            copiedLabels = Arrays.copyOf(labels, size);
            copied = new Prepared[size];
            for (int i = 0; i < size; i++) {
                copied[i] = new Prepared(Arrays.copyOfRange(vectors, i * dimension, (i + 1) * dimension),
                        sourceHashes[i]);
            }
        } finally {
            lock.readLock().unlock();
        }
        HnswVectorIndex graph = HnswVectorIndex.create(dimension, metric, params);
        graph.insertAll(copiedLabels, copied, threads);
        return graph;
    }
}
