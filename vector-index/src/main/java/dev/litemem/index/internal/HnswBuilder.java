package dev.litemem.index.internal;

/**
 * Inserts nodes into an {@link HnswGraph}: the algorithm of Malkov and Yashunin as C++ hnswlib implements it
 * (hnswalg.h: searchBaseLayer, getNeighborsByHeuristic2, mutuallyConnectNewElement), with Lucene's order of
 * linking. For a node on level L: walk greedily from the entry point down to level L + 1; on each level from
 * min(L, top) down to 0, collect the {@code efConstruction} nearest nodes (deleted nodes are walked through but not
 * chosen) and pick up to {@code m} of them with the neighbour-selection heuristic (a candidate is kept only when it
 * is nearer to the new node than to every neighbour kept before it); then link bottom-up: on each level, first the
 * new node's own list, then a back-link in each chosen neighbour's list, which, when full, is pruned with the same
 * heuristic. Linking bottom-up and outgoing-first means no other insert can reach the new node on a level before
 * its list there is written, so its lists are never written by two threads.
 *
 * <p>Inserts run in parallel: each list is written under its node's stripe lock (one at a time, so no lock order
 * to keep) and read without a lock (see {@link HnswGraph}). An insert whose node would raise the top level holds
 * the graph's entry lock for its whole length, then publishes itself as the entry point.
 */
final class HnswBuilder {

    private final HnswGraph graph;
    private final VectorStore store;
    private final MetricDistance distance;
    private final int efConstruction;

    HnswBuilder(HnswGraph graph, VectorStore store, MetricDistance distance, int efConstruction) {
        this.graph = graph;
        this.store = store;
        this.distance = distance;
        this.efConstruction = Math.max(efConstruction, graph.m);
    }

    /**
     * Links pending node {@code node}, whose vector {@code vector} (as stored) is already in the store. The caller
     * holds the index's mutation lock (shared), so the graph's arrays are not replaced meanwhile.
     */
    void insert(int node, float[] vector) {
        HnswGraph.Nodes nodes = graph.nodes();
        int level = nodes.levels[node];
        long state = graph.entryState();
        boolean raisesTop = level > HnswGraph.topLevel(state);
        if (raisesTop) {
            graph.entryLock.lock();
            state = graph.entryState();
            if (level <= HnswGraph.topLevel(state)) {
                graph.entryLock.unlock();
                raisesTop = false;
            }
        }
        try {
            int entry = HnswGraph.entryNode(state);
            if (entry >= 0) {
                link(nodes, node, vector, level, entry, HnswGraph.topLevel(state));
            }
            if (raisesTop) {
                graph.setEntry(node, level);
            }
        } finally {
            if (raisesTop) {
                graph.entryLock.unlock();
            }
        }
    }

    private void link(HnswGraph.Nodes nodes, int node, float[] vector, int level, int entry, int top) {
        int lowest = Math.min(level, top);
        int[][] chosen = new int[lowest + 1][];
        float[][] chosenDistances = new float[lowest + 1][];
        SearchScratch scratch = SearchScratch.acquire(nodes.capacity);
        try {
            scratch.ensureBuffers(graph.maxLinks0);
            int current = entry;
            float currentDistance = distanceTo(vector, current);
            for (int l = top; l > level; l--) {
                boolean changed = true;
                while (changed) {
                    changed = false;
                    int count = graph.copyLinks(nodes, current, l, scratch.ids);
                    for (int i = 0; i < count; i++) {
                        int id = scratch.ids[i];
                        if (id >= nodes.capacity) {
                            continue;
                        }
                        float d = distanceTo(vector, id);
                        if (d < currentDistance) {
                            currentDistance = d;
                            current = id;
                            changed = true;
                        }
                    }
                }
            }
            for (int l = lowest; l >= 0; l--) {
                if (l != lowest) {
                    scratch.startWalk(nodes.capacity);
                }
                searchLayer(nodes, scratch, vector, current, currentDistance, l);
                NodeHeap results = scratch.results;
                int count = results.size();
                int[] ids;
                float[] distances;
                if (count == 0) { // every node seen is deleted: link to the entry of this level all the same
                    ids = new int[] {current};
                    distances = new float[] {currentDistance};
                    count = 1;
                } else {
                    ids = new int[count];
                    distances = new float[count];
                    for (int i = count - 1; i >= 0; i--) {
                        distances[i] = results.topKey();
                        ids[i] = (int) results.pop();
                    }
                }
                current = ids[0];
                currentDistance = distances[0];
                int kept = count < graph.m ? count : selectDiverse(ids, distances, count, graph.m);
                chosen[l] = java.util.Arrays.copyOf(ids, kept);
                chosenDistances[l] = java.util.Arrays.copyOf(distances, kept);
            }
        } finally {
            scratch.release();
        }
        for (int l = 0; l <= lowest; l++) {
            connect(nodes, node, l, chosen[l], chosenDistances[l]);
        }
    }

    /**
     * Fills the scratch's result heap with up to efConstruction non-deleted nodes nearest to {@code vector} on
     * {@code level}, walking from {@code entry}.
     */
    private void searchLayer(HnswGraph.Nodes nodes, SearchScratch scratch, float[] vector, int entry,
                             float entryDistance, int level) {
        int[] marks = scratch.marks();
        int epoch = scratch.epoch();
        NodeHeap candidates = scratch.candidates;
        NodeHeap results = scratch.results;
        int[] pending = scratch.ids;
        int[] buffer = scratch.slots;
        byte[] flags = nodes.flags;
        int dimension = store.dimension();
        float[][] chunks = store.chunks();
        int ef = efConstruction;

        marks[entry] = epoch;
        candidates.push(entryDistance, entry);
        if (flags[entry] != HnswGraph.DELETED) {
            results.push(entryDistance, entry);
        }
        float touched = 0;
        while (candidates.size() > 0) {
            if (results.size() >= ef && candidates.topKey() > results.topKey()) {
                break;
            }
            int current = (int) candidates.pop();
            int count = graph.copyLinks(nodes, current, level, buffer);
            // First mark the unvisited neighbours and touch each one's vector, so their cache misses overlap,
            // then compute the distances.
            int waiting = 0;
            for (int i = 0; i < count; i++) {
                int id = buffer[i];
                if (id >= nodes.capacity || marks[id] == epoch) {
                    continue;
                }
                marks[id] = epoch;
                chunks = GraphSearcher.fresh(chunks, store, id);
                touched += chunks[id >>> VectorStore.CHUNK_SHIFT][(id & VectorStore.CHUNK_MASK) * dimension];
                pending[waiting++] = id;
            }
            for (int j = 0; j < waiting; j++) {
                int id = pending[j];
                float d = distance.raw(vector, chunks[id >>> VectorStore.CHUNK_SHIFT],
                        (id & VectorStore.CHUNK_MASK) * dimension);
                if (results.size() < ef || d < results.topKey()) {
                    candidates.push(d, id);
                    if (flags[id] != HnswGraph.DELETED) {
                        results.offer(d, id, ef);
                    }
                }
            }
        }
        scratch.touched = touched;
    }

    /**
     * The neighbour-selection heuristic (hnswlib's getNeighborsByHeuristic2): walking {@code ids} nearest first,
     * keeps a candidate when no kept one is nearer to it than the base node is. Moves the kept ones to the front,
     * in order, and returns how many (at most {@code limit}).
     */
    private int selectDiverse(int[] ids, float[] distances, int count, int limit) {
        int kept = 0;
        for (int i = 0; i < count && kept < limit; i++) {
            int candidate = ids[i];
            float toBase = distances[i];
            boolean diverse = true;
            for (int j = 0; j < kept; j++) {
                if (distance.between(store, ids[j], candidate) < toBase) {
                    diverse = false;
                    break;
                }
            }
            if (diverse) {
                ids[kept] = candidate;
                distances[kept] = toBase;
                kept++;
            }
        }
        return kept;
    }

    /** Writes the new node's list on {@code level}, then adds it to each chosen neighbour's list. */
    private void connect(HnswGraph.Nodes nodes, int node, int level, int[] chosen, float[] chosenDistances) {
        synchronized (graph.stripe(node)) {
            graph.setLinks(nodes, node, level, chosen, chosen.length);
        }
        int maxLinks = graph.maxLinks(level);
        int[] ids = new int[maxLinks + 1];
        float[] distances = new float[maxLinks + 1];
        for (int j = 0; j < chosen.length; j++) {
            int neighbour = chosen[j];
            synchronized (graph.stripe(neighbour)) {
                int[] array = graph.listArray(nodes, neighbour, level);
                if (array == null) {
                    continue; // not possible for a node found on this level; kept as a guard
                }
                int base = graph.listBase(neighbour, level);
                int count = array[base];
                if (count < maxLinks) {
                    graph.appendLink(nodes, neighbour, level, node);
                    continue;
                }
                // Full: keep the most diverse of the old neighbours and the new node.
                ids[0] = node;
                distances[0] = chosenDistances[j];
                for (int i = 0; i < count; i++) {
                    int other = array[base + 1 + i];
                    ids[i + 1] = other;
                    distances[i + 1] = distance.between(store, neighbour, other);
                }
                sortNearestFirst(ids, distances, count + 1);
                int kept = selectDiverse(ids, distances, count + 1, maxLinks);
                graph.setLinks(nodes, neighbour, level, ids, kept);
            }
        }
    }

    /** Insertion sort by (distance, id): at most 2m + 1 elements. */
    private static void sortNearestFirst(int[] ids, float[] distances, int count) {
        for (int i = 1; i < count; i++) {
            int id = ids[i];
            float d = distances[i];
            int j = i - 1;
            while (j >= 0 && (distances[j] > d || (distances[j] == d && ids[j] > id))) {
                ids[j + 1] = ids[j];
                distances[j + 1] = distances[j];
                j--;
            }
            ids[j + 1] = id;
            distances[j + 1] = d;
        }
    }

    private float distanceTo(float[] vector, int node) {
        return distance.raw(vector, store.chunk(node), store.offset(node));
    }
}
