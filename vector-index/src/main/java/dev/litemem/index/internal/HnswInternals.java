package dev.litemem.index.internal;

import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import com.github.jelmerk.hnswlib.core.util.GenericObjectPool;
import org.eclipse.collections.api.list.primitive.MutableIntList;
import org.eclipse.collections.api.map.primitive.MutableObjectIntMap;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one place that reaches into hnswlib-core 1.2.1's private state. The library offers no way to read or restore
 * its graph except Java serialization, which also writes every vector and runs without a lock. We read the nodes
 * (id, neighbour lists per level, item, deleted flag), the node count, the entry point and a label's node id to write a checkpoint,
 * to scan exactly and to search with a filter, and we set them to restore a graph without re-inserting; we also read the size of its pool of
 * visited-sets, which bounds safe concurrency. Every handle is resolved when this
 * class loads; if the library's fields change, {@link #verify()} (run by the tests and on first use) fails with a
 * message naming the field. Callers must hold a lock that excludes concurrent adds when they write.
 */
final class HnswInternals {

    static final String NODE_CLASS = "com.github.jelmerk.hnswlib.core.hnsw.HnswIndex$Node";

    private static final VarHandle NODES;
    private static final VarHandle NODE_COUNT;
    private static final VarHandle ENTRY_POINT;
    private static final VarHandle LOOKUP;
    private static final VarHandle GLOBAL_LOCK;
    private static final VarHandle NODE_ID;
    private static final VarHandle NODE_CONNECTIONS;
    private static final VarHandle NODE_ITEM;
    private static final VarHandle NODE_DELETED;
    private static final VarHandle VISITED_POOL;
    private static final VarHandle POOL_ITEMS;
    private static final MethodHandle NODE_NEW;
    private static final RuntimeException FAILURE;

    static {
        VarHandle nodes = null, nodeCount = null, entryPoint = null, lookup = null, globalLock = null;
        VarHandle nodeId = null;
        VarHandle connections = null, item = null, deleted = null, visitedPool = null, poolItems = null;
        MethodHandle nodeNew = null;
        RuntimeException failure = null;
        try {
            MethodHandles.Lookup index = MethodHandles.privateLookupIn(HnswIndex.class, MethodHandles.lookup());
            Class<?> node = Class.forName(NODE_CLASS);
            MethodHandles.Lookup nodeLookup = MethodHandles.privateLookupIn(node, MethodHandles.lookup());
            nodes = index.findVarHandle(HnswIndex.class, "nodes", AtomicReferenceArray.class);
            nodeCount = index.findVarHandle(HnswIndex.class, "nodeCount", int.class);
            entryPoint = index.findVarHandle(HnswIndex.class, "entryPoint", node);
            lookup = index.findVarHandle(HnswIndex.class, "lookup", MutableObjectIntMap.class);
            globalLock = index.findVarHandle(HnswIndex.class, "globalLock", ReentrantLock.class);
            visitedPool = index.findVarHandle(HnswIndex.class, "visitedBitSetPool", GenericObjectPool.class);
            poolItems = MethodHandles.privateLookupIn(GenericObjectPool.class, MethodHandles.lookup())
                    .findVarHandle(GenericObjectPool.class, "items", ArrayBlockingQueue.class);
            nodeId = nodeLookup.findVarHandle(node, "id", int.class);
            connections = nodeLookup.findVarHandle(node, "connections", MutableIntList[].class);
            item = nodeLookup.findVarHandle(node, "item", Object.class);
            deleted = nodeLookup.findVarHandle(node, "deleted", boolean.class);
            nodeNew = nodeLookup.findConstructor(node,
                    MethodType.methodType(void.class, int.class, MutableIntList[].class, Object.class, boolean.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            failure = new IllegalStateException("hnswlib-core's internals are not those of version 1.2.1 ("
                    + e.getMessage() + "): HnswInternals must be updated for this version", e);
        }
        NODES = nodes;
        NODE_COUNT = nodeCount;
        ENTRY_POINT = entryPoint;
        LOOKUP = lookup;
        GLOBAL_LOCK = globalLock;
        NODE_ID = nodeId;
        NODE_CONNECTIONS = connections;
        NODE_ITEM = item;
        NODE_DELETED = deleted;
        VISITED_POOL = visitedPool;
        POOL_ITEMS = poolItems;
        NODE_NEW = nodeNew;
        FAILURE = failure;
    }

    private HnswInternals() {
    }

    /** Throws when the library's private fields are not the ones this class was written against. */
    static void verify() {
        if (FAILURE != null) {
            throw FAILURE;
        }
    }

    @SuppressWarnings("unchecked")
    static AtomicReferenceArray<Object> nodes(HnswIndex<?, ?, ?, ?> index) {
        return (AtomicReferenceArray<Object>) NODES.get(index);
    }

    static int nodeCount(HnswIndex<?, ?, ?, ?> index) {
        return (int) NODE_COUNT.get(index);
    }

    /** The entry node, or null when the graph is empty. */
    static Object entryPoint(HnswIndex<?, ?, ?, ?> index) {
        return ENTRY_POINT.get(index);
    }

    /**
     * How many visited-sets the index pools. Every add and search borrows one and blocks while none is free, even
     * while holding node monitors; with more concurrent callers than this the library can deadlock, so callers
     * must limit concurrency to it. Call with adds and searches excluded (the count includes borrowed sets).
     */
    static int visitedPoolSize(HnswIndex<?, ?, ?, ?> index) {
        ArrayBlockingQueue<?> items = (ArrayBlockingQueue<?>) POOL_ITEMS.get(VISITED_POOL.get(index));
        return items.size() + items.remainingCapacity();
    }

    /** The node id of a live label, or -1; read under the library's global lock, as its own get() does. */
    @SuppressWarnings("unchecked")
    static int nodeId(HnswIndex<?, ?, ?, ?> index, Object label) {
        ReentrantLock globalLock = (ReentrantLock) GLOBAL_LOCK.get(index);
        globalLock.lock();
        try {
            return ((MutableObjectIntMap<Object>) LOOKUP.get(index)).getIfAbsent(label, -1);
        } finally {
            globalLock.unlock();
        }
    }

    static int id(Object node) {
        return (int) NODE_ID.get(node);
    }

    static MutableIntList[] connections(Object node) {
        return (MutableIntList[]) NODE_CONNECTIONS.get(node);
    }

    static StoredVector item(Object node) {
        return (StoredVector) NODE_ITEM.get(node);
    }

    static boolean deleted(Object node) {
        return (boolean) NODE_DELETED.get(node);
    }

    /**
     * Installs a graph into a freshly built, empty index whose capacity is at least {@code items.length}.
     * {@code links[node][level]} holds node ids (positions in {@code items}).
     */
    @SuppressWarnings("unchecked")
    static void restore(HnswIndex<Long, StoredVector, StoredVector, Float> index, StoredVector[] items, int[][][] links,
                        int entryPoint) {
        verify();
        AtomicReferenceArray<Object> nodes = nodes(index);
        MutableObjectIntMap<Long> lookup = (MutableObjectIntMap<Long>) LOOKUP.get(index);
        if (nodeCount(index) != 0 || nodes.length() < items.length) {
            throw new IllegalStateException("restore needs an empty index with capacity for " + items.length);
        }
        try {
            for (int id = 0; id < items.length; id++) {
                MutableIntList[] lists = new MutableIntList[links[id].length];
                for (int level = 0; level < lists.length; level++) {
                    lists[level] = IntArrayList.newListWith(links[id][level]);
                }
                nodes.set(id, NODE_NEW.invoke(id, lists, (Object) items[id], false));
                lookup.put(items[id].label, id);
            }
        } catch (Throwable e) {
            throw new IllegalStateException("could not create hnswlib-core nodes", e);
        }
        NODE_COUNT.set(index, items.length);
        ENTRY_POINT.setVolatile(index, entryPoint < 0 ? null : nodes.get(entryPoint));
    }
}
