package dev.litemem.index.internal;

import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import org.eclipse.collections.api.list.primitive.MutableIntList;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongPredicate;

/**
 * Searches hnswlib-core's graph directly (hnswlib-core 1.2.1 has no filtered search and a single index-wide ef).
 * The filter is applied during traversal: every node is walked through, only accepted, live nodes enter the
 * result set, and the search stops once the nearest unexplored candidate is farther than the worst of {@code ef}
 * results. The upper levels (a few nodes) are walked through hnswlib-core's own lists, copied under the node's
 * monitor as hnswlib-core itself does; level 0 through the flat copies of {@link NodeMirror}, and every vector and
 * label is read from the flat {@link VectorStore}; when the store keeps int8 codes, level 0 compares the query with
 * the codes (a quarter of the bytes) and the caller re-ranks the results on the float vectors. Distances are
 * primitive floats and the heaps are primitive arrays.
 */
final class GraphSearcher {

    /** Per-thread visited marks: a node is visited in this search when its mark equals the search's epoch. */
    private static final ThreadLocal<int[][]> VISITED = ThreadLocal.withInitial(() -> new int[][] {new int[0], {0}});


    private GraphSearcher() {
    }

    /**
     * Up to {@code ef} accepted nodes nearest to {@code query}, as a heap whose root is the farthest; read it with
     * {@link Results#size()}, {@link Results#label(int)} and {@link Results#distance(int)}.
     */
    static Results search(HnswIndex<Long, StoredVector, StoredVector, Float> index, VectorStore store,
                          NodeMirror mirror, MetricDistance distance, float[] query, int ef, LongPredicate filter) {
        Object entry = HnswInternals.entryPoint(index);
        Results results = new Results(ef);
        if (entry == null) {
            return results;
        }
        AtomicReferenceArray<Object> nodes = HnswInternals.nodes(index);
        float[][] chunks = store.chunks();
        int dimension = store.dimension();
        int[] buffer = new int[64];

        Object current = entry;
        int currentSlot = HnswInternals.item(current).slot;
        chunks = fresh(chunks, store, currentSlot);
        float currentDistance = distance.raw(query, chunks[currentSlot >>> VectorStore.CHUNK_SHIFT],
                (currentSlot & VectorStore.CHUNK_MASK) * dimension);
        for (int level = HnswInternals.connections(entry).length - 1; level > 0; level--) {
            boolean changed = true;
            while (changed) {
                changed = false;
                int count;
                synchronized (current) {
                    MutableIntList links = HnswInternals.connections(current)[level];
                    count = links.size();
                    buffer = copy(links, count, buffer);
                }
                for (int i = 0; i < count; i++) {
                    int slot = mirror.slot(nodes, buffer[i]);
                    chunks = fresh(chunks, store, slot);
                    float d = distance.raw(query, chunks[slot >>> VectorStore.CHUNK_SHIFT],
                            (slot & VectorStore.CHUNK_MASK) * dimension);
                    if (d < currentDistance) {
                        currentDistance = d;
                        current = nodes.get(buffer[i]);
                        changed = true;
                    }
                }
            }
        }

        int[][] visitedState = VISITED.get();
        int capacity = nodes.length();
        if (visitedState[0].length < capacity) {
            visitedState[0] = new int[capacity];
            visitedState[1][0] = 0;
        }
        int[] visited = visitedState[0];
        int epoch = ++visitedState[1][0];
        if (epoch == Integer.MAX_VALUE) {
            java.util.Arrays.fill(visited, 0);
            visitedState[1][0] = epoch = 1;
        }

        Candidates candidates = new Candidates(Math.max(16, 2 * ef));
        int currentId = HnswInternals.id(current);
        visited[currentId] = epoch;
        candidates.push(currentId, currentDistance);
        offer(results, store, nodes, mirror, currentId, currentDistance, filter);
        int[] links = mirror.links();
        int stride = mirror.stride();
        int[] pendingIds = new int[stride];
        int[] pendingSlots = new int[stride];
        float touched = 0;
        boolean coded = store.coded();
        byte[][] codeChunks = store.codeChunks();
        while (candidates.size() > 0) {
            float nearest = candidates.peekDistance();
            if (results.size() == ef && nearest > results.worstDistance()) {
                break;
            }
            int base = candidates.popNode() * stride;
            int count = links[base];
            // Two passes: first pick the unvisited neighbours and touch the start of each one's vector, so that
            // their cache misses overlap (C++ hnswlib prefetches for the same reason), then compute the distances.
            int pending = 0;
            for (int i = 1; i <= count; i++) {
                int id = links[base + i];
                if (id >= visited.length || visited[id] == epoch) {
                    continue;
                }
                visited[id] = epoch;
                int slot = mirror.slot(nodes, id);
                if (coded) {
                    codeChunks = freshCodes(codeChunks, store, slot);
                    touched += codeChunks[slot >>> VectorStore.CHUNK_SHIFT][store.codeOffset(slot)];
                } else {
                    chunks = fresh(chunks, store, slot);
                    touched += chunks[slot >>> VectorStore.CHUNK_SHIFT][(slot & VectorStore.CHUNK_MASK) * dimension];
                }
                pendingIds[pending] = id;
                pendingSlots[pending++] = slot;
            }
            for (int j = 0; j < pending; j++) {
                int slot = pendingSlots[j];
                float d;
                if (coded) {
                    byte[] codes = codeChunks[slot >>> VectorStore.CHUNK_SHIFT];
                    int offset = store.codeOffset(slot);
                    d = distance.rawCodes(query, codes, offset, store.scale(codes, offset));
                } else {
                    d = distance.raw(query, chunks[slot >>> VectorStore.CHUNK_SHIFT],
                            (slot & VectorStore.CHUNK_MASK) * dimension);
                }
                if (results.size() < ef || d < results.worstDistance()) {
                    candidates.push(pendingIds[j], d);
                    offer(results, store, nodes, mirror, pendingIds[j], d, filter);
                }
            }
        }
        results.touched = touched; // keeps the touching loads from being optimized away
        return results;
    }

    /** As {@link #fresh}, for the code chunks. */
    private static byte[][] freshCodes(byte[][] chunks, VectorStore store, int slot) {
        int chunk = slot >>> VectorStore.CHUNK_SHIFT;
        if (chunk < chunks.length && store.codeOffset(slot) < chunks[chunk].length) {
            return chunks;
        }
        return store.codeChunks();
    }

    /** The store's chunks, re-read when {@code slot} was appended after {@code chunks} was read (concurrent adds). */
    private static float[][] fresh(float[][] chunks, VectorStore store, int slot) {
        int chunk = slot >>> VectorStore.CHUNK_SHIFT;
        if (chunk < chunks.length
                && (slot & VectorStore.CHUNK_MASK) * store.dimension() < chunks[chunk].length) {
            return chunks;
        }
        return store.chunks();
    }

    private static void offer(Results results, VectorStore store, AtomicReferenceArray<Object> nodes,
                              NodeMirror mirror, int id, float d, LongPredicate filter) {
        if (mirror.deleted(id)) {
            return;
        }
        int slot = mirror.slot(nodes, id);
        long label = store.label(slot);
        if (filter != null && !filter.test(label)) {
            return;
        }
        results.offer(label, slot, d);
    }

    private static int[] copy(MutableIntList links, int count, int[] buffer) {
        int[] target = buffer.length >= count ? buffer : new int[count];
        for (int i = 0; i < count; i++) {
            target[i] = links.get(i);
        }
        return target;
    }

    /** Min-heap of (distance, node id): the nearest unexplored candidate first. */
    private static final class Candidates {
        private float[] distances;
        private int[] ids;
        private int size;

        Candidates(int capacity) {
            distances = new float[capacity];
            ids = new int[capacity];
        }

        int size() {
            return size;
        }

        float peekDistance() {
            return distances[0];
        }

        void push(int id, float distance) {
            if (size == ids.length) {
                ids = java.util.Arrays.copyOf(ids, size * 2);
                distances = java.util.Arrays.copyOf(distances, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (distances[parent] <= distance) {
                    break;
                }
                distances[i] = distances[parent];
                ids[i] = ids[parent];
                i = parent;
            }
            distances[i] = distance;
            ids[i] = id;
        }

        int popNode() {
            int top = ids[0];
            size--;
            float distance = distances[size];
            int id = ids[size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && distances[child + 1] < distances[child]) {
                    child++;
                }
                if (distances[child] >= distance) {
                    break;
                }
                distances[i] = distances[child];
                ids[i] = ids[child];
                i = child;
            }
            distances[i] = distance;
            ids[i] = id;
            return top;
        }
    }

    /** Max-heap of at most {@code ef} results: the farthest at the root, evicted first. */
    static final class Results {
        private final float[] distances;
        private final long[] labels;
        private final int[] slots;
        private int size;
        float touched;

        Results(int ef) {
            distances = new float[ef];
            labels = new long[ef];
            slots = new int[ef];
        }

        int size() {
            return size;
        }

        float worstDistance() {
            return distances[0];
        }

        long label(int i) {
            return labels[i];
        }

        int slot(int i) {
            return slots[i];
        }

        float distance(int i) {
            return distances[i];
        }

        void offer(long label, int slot, float distance) {
            if (size < distances.length) {
                int i = size++;
                while (i > 0) {
                    int parent = (i - 1) >>> 1;
                    if (distances[parent] >= distance) {
                        break;
                    }
                    distances[i] = distances[parent];
                    labels[i] = labels[parent];
                    slots[i] = slots[parent];
                    i = parent;
                }
                distances[i] = distance;
                labels[i] = label;
                slots[i] = slot;
            } else if (distance < distances[0]) {
                int i = 0;
                while (true) {
                    int child = 2 * i + 1;
                    if (child >= size) {
                        break;
                    }
                    if (child + 1 < size && distances[child + 1] > distances[child]) {
                        child++;
                    }
                    if (distances[child] <= distance) {
                        break;
                    }
                    distances[i] = distances[child];
                    labels[i] = labels[child];
                    slots[i] = slots[child];
                    i = child;
                }
                distances[i] = distance;
                labels[i] = label;
                slots[i] = slot;
            }
        }
    }
}
