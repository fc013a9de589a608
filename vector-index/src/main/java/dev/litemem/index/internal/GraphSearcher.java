package dev.litemem.index.internal;

import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import org.eclipse.collections.api.list.primitive.MutableIntList;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongPredicate;

/**
 * Searches hnswlib-core's graph directly (hnswlib-core 1.2.1 has no filtered search and a single index-wide ef).
 * The filter is applied during traversal: every node is walked through, only accepted, live nodes enter the
 * result set, and the search stops once the nearest unexplored candidate is farther than the worst of {@code ef}
 * results. Distances are primitive floats and the heaps are primitive arrays; neighbour lists are copied under
 * the node's monitor, as hnswlib-core itself does, so concurrent inserts are safe.
 */
final class GraphSearcher {

    /** Per-thread visited marks: a node is visited in this search when its mark equals the search's epoch. */
    private static final ThreadLocal<int[][]> VISITED = ThreadLocal.withInitial(() -> new int[][] {new int[0], {0}});

    private GraphSearcher() {
    }

    /**
     * Up to {@code ef} accepted nodes nearest to {@code query}, as a heap whose root is the farthest; read it with
     * {@link Results#size()}, {@link Results#node(int)} and {@link Results#distance(int)}.
     */
    static Results search(HnswIndex<Long, float[], StoredVector, Float> index, MetricDistance distance,
                          float[] query, int ef, LongPredicate filter) {
        Object entry = HnswInternals.entryPoint(index);
        Results results = new Results(ef);
        if (entry == null) {
            return results;
        }
        AtomicReferenceArray<Object> nodes = HnswInternals.nodes(index);
        int[] buffer = new int[64];

        Object current = entry;
        float currentDistance = distance.rawDistance(query, HnswInternals.item(current).vector);
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
                    Object candidate = nodes.get(buffer[i]);
                    float d = distance.rawDistance(query, HnswInternals.item(candidate).vector);
                    if (d < currentDistance) {
                        currentDistance = d;
                        current = candidate;
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
        offer(results, current, currentId, currentDistance, filter);
        while (candidates.size() > 0) {
            float nearest = candidates.peekDistance();
            if (results.size() == ef && nearest > results.worstDistance()) {
                break;
            }
            Object node = nodes.get(candidates.popNode());
            int count;
            synchronized (node) {
                MutableIntList links = HnswInternals.connections(node)[0];
                count = links.size();
                buffer = copy(links, count, buffer);
            }
            for (int i = 0; i < count; i++) {
                int id = buffer[i];
                if (id >= visited.length || visited[id] == epoch) {
                    continue;
                }
                visited[id] = epoch;
                Object neighbour = nodes.get(id);
                float d = distance.rawDistance(query, HnswInternals.item(neighbour).vector);
                if (results.size() < ef || d < results.worstDistance()) {
                    candidates.push(id, d);
                    offer(results, neighbour, id, d, filter);
                }
            }
        }
        return results;
    }

    private static void offer(Results results, Object node, int id, float d, LongPredicate filter) {
        if (HnswInternals.deleted(node)) {
            return;
        }
        if (filter != null && !filter.test(HnswInternals.item(node).label)) {
            return;
        }
        results.offer(HnswInternals.item(node), d);
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
        private final StoredVector[] items;
        private int size;

        Results(int ef) {
            distances = new float[ef];
            items = new StoredVector[ef];
        }

        int size() {
            return size;
        }

        float worstDistance() {
            return distances[0];
        }

        StoredVector item(int i) {
            return items[i];
        }

        float distance(int i) {
            return distances[i];
        }

        void offer(StoredVector item, float distance) {
            if (size < distances.length) {
                int i = size++;
                while (i > 0) {
                    int parent = (i - 1) >>> 1;
                    if (distances[parent] >= distance) {
                        break;
                    }
                    distances[i] = distances[parent];
                    items[i] = items[parent];
                    i = parent;
                }
                distances[i] = distance;
                items[i] = item;
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
                    items[i] = items[child];
                    i = child;
                }
                distances[i] = distance;
                items[i] = item;
            }
        }
    }
}
