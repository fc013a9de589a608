package dev.litemem.index.internal;

import java.util.function.LongPredicate;

/**
 * Answers a query on an {@link HnswGraph}: a greedy walk on the upper levels, then the best-first walk on level 0
 * with the filter applied during traversal: every node is walked through, only accepted, live nodes enter the
 * result set, and the walk stops once the nearest unexplored candidate is farther than the worst of {@code ef}
 * results. Lists are read in place without a lock (see {@link HnswGraph}); vectors and labels are read from the
 * flat {@link VectorStore}. When the store keeps int8 codes, level 0 compares the query with the codes (a quarter of
 * the bytes) and the caller re-ranks the results on the float vectors.
 */
final class GraphSearcher {

    private GraphSearcher() {
    }

    /**
     * Up to {@code ef} accepted live nodes nearest to {@code query}, as a heap of (distance, node id) whose top is the
     * farthest; the distances are on the int8 codes when the store has them.
     */
    static NodeHeap search(HnswGraph graph, VectorStore store, MetricDistance distance, float[] query, int ef,
                           LongPredicate filter) {
        NodeHeap results = NodeHeap.farthestFirst(ef);
        long state = graph.entryState();
        int entry = HnswGraph.entryNode(state);
        if (entry < 0) {
            return results;
        }
        HnswGraph.Nodes nodes = graph.nodes();
        int dimension = store.dimension();
        float[][] chunks = fresh(store.chunks(), store, entry);
        int current = entry;
        float currentDistance = distance.raw(query, chunks[entry >>> VectorStore.CHUNK_SHIFT],
                (entry & VectorStore.CHUNK_MASK) * dimension);
        for (int level = HnswGraph.topLevel(state); level > 0; level--) {
            boolean changed = true;
            while (changed) {
                changed = false;
                int[] list = nodes.upper[current];
                if (list == null) {
                    break;
                }
                int base = graph.listBase(current, level);
                int count = Math.min(HnswGraph.countAcquire(list, base), graph.m);
                for (int i = 1; i <= count; i++) {
                    int id = list[base + i];
                    if (id >= nodes.capacity) {
                        continue;
                    }
                    chunks = fresh(chunks, store, id);
                    float d = distance.raw(query, chunks[id >>> VectorStore.CHUNK_SHIFT],
                            (id & VectorStore.CHUNK_MASK) * dimension);
                    if (d < currentDistance) {
                        currentDistance = d;
                        current = id;
                        changed = true;
                    }
                }
            }
        }

        SearchScratch scratch = SearchScratch.acquire(nodes.capacity);
        try {
            walkLevel0(graph, nodes, store, distance, query, ef, filter, current, scratch, results);
        } finally {
            scratch.release();
        }
        return results;
    }

    private static void walkLevel0(HnswGraph graph, HnswGraph.Nodes nodes, VectorStore store,
                                   MetricDistance distance, float[] query, int ef, LongPredicate filter, int start,
                                   SearchScratch scratch, NodeHeap results) {
        int[] visited = scratch.marks();
        int epoch = scratch.epoch();
        NodeHeap candidates = scratch.candidates;
        int[] links = nodes.links0;
        byte[] flags = nodes.flags;
        int stride = graph.stride0;
        scratch.ensureBuffers(stride);
        int[] pending = scratch.ids;
        int dimension = store.dimension();
        boolean coded = store.coded();
        float[][] chunks = store.chunks();
        byte[][] codeChunks = store.codeChunks();

        float startDistance = coded ? codeDistance(store, distance, query, start) : distance.raw(query,
                store.chunk(start), store.offset(start));
        visited[start] = epoch;
        candidates.push(startDistance, start);
        offer(results, store, flags, start, startDistance, ef, filter);
        float touched = 0;
        while (candidates.size() > 0) {
            if (results.size() == ef && candidates.topKey() > results.topKey()) {
                break;
            }
            int base = (int) candidates.pop() * stride;
            int count = Math.min(HnswGraph.countAcquire(links, base), stride - 1);
            // Two passes: first pick the unvisited neighbours and touch the start of each one's vector, so that
            // their cache misses overlap (C++ hnswlib prefetches for the same reason), then compute the distances.
            int waiting = 0;
            for (int i = 1; i <= count; i++) {
                int id = links[base + i];
                if (id >= nodes.capacity || visited[id] == epoch) {
                    continue;
                }
                visited[id] = epoch;
                if (coded) {
                    codeChunks = freshCodes(codeChunks, store, id);
                    touched += codeChunks[id >>> VectorStore.CHUNK_SHIFT][store.codeOffset(id)];
                } else {
                    chunks = fresh(chunks, store, id);
                    touched += chunks[id >>> VectorStore.CHUNK_SHIFT][(id & VectorStore.CHUNK_MASK) * dimension];
                }
                pending[waiting++] = id;
            }
            for (int j = 0; j < waiting; j++) {
                int id = pending[j];
                float d;
                if (coded) {
                    byte[] codes = codeChunks[id >>> VectorStore.CHUNK_SHIFT];
                    int offset = store.codeOffset(id);
                    d = distance.rawCodes(query, codes, offset, store.scale(codes, offset));
                } else {
                    d = distance.raw(query, chunks[id >>> VectorStore.CHUNK_SHIFT],
                            (id & VectorStore.CHUNK_MASK) * dimension);
                }
                if (results.size() < ef || d < results.topKey()) {
                    candidates.push(d, id);
                    offer(results, store, flags, id, d, ef, filter);
                }
            }
        }
        scratch.touched = touched;
    }

    private static float codeDistance(VectorStore store, MetricDistance distance, float[] query, int node) {
        byte[] codes = freshCodes(store.codeChunks(), store, node)[node >>> VectorStore.CHUNK_SHIFT];
        int offset = store.codeOffset(node);
        return distance.rawCodes(query, codes, offset, store.scale(codes, offset));
    }

    private static void offer(NodeHeap results, VectorStore store, byte[] flags, int node, float d, int ef,
                              LongPredicate filter) {
        if (flags[node] != HnswGraph.LIVE) {
            return;
        }
        if (filter != null && !filter.test(store.label(node))) {
            return;
        }
        results.offer(d, node, ef);
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
    static float[][] fresh(float[][] chunks, VectorStore store, int slot) {
        int chunk = slot >>> VectorStore.CHUNK_SHIFT;
        if (chunk < chunks.length
                && (slot & VectorStore.CHUNK_MASK) * store.dimension() < chunks[chunk].length) {
            return chunks;
        }
        return store.chunks();
    }
}
