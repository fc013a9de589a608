package dev.litemem.index.internal;

import dev.litemem.index.HnswParams;
import dev.litemem.index.Metric;
import dev.litemem.index.internal.oracle.HnswIndex;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * hnswlib-core 1.2.1 as the oracle: the same 10,000 vectors, the same parameters, one build thread each. Our
 * graph must search at least as well (recall@10 within 0.01 at ef 16 and 64) and have the same shape (level-0 and
 * level-1 degrees, share of nodes above level 0) as the library's, which we read through its public save().
 */
class HnswlibCoreOracleTest {

    private static final int COUNT = 10_000;
    private static final int DIMENSION = 48;
    private static final HnswParams PARAMS = HnswParams.DEFAULTS;
    private static float[][] queries;
    private static HnswVectorIndex ours;
    private static HnswlibCoreVectorIndex theirs;

    @BeforeAll
    static void build() {
        float[][] all = TestVectors.clustered(COUNT + 200, DIMENSION, 30, 2024);
        float[][] base = Arrays.copyOf(all, COUNT);
        queries = Arrays.copyOfRange(all, COUNT, COUNT + 200);
        long[] labels = TestVectors.labels(COUNT);
        ours = HnswVectorIndex.create(DIMENSION, Metric.COSINE, PARAMS);
        theirs = HnswlibCoreVectorIndex.create(DIMENSION, Metric.COSINE, PARAMS);
        long started = System.nanoTime();
        ours.addAll(labels, base, 1);
        long middle = System.nanoTime();
        theirs.addAll(labels, base, 1);
        System.out.printf("oracle build, one thread: ours %.2f s, hnswlib-core %.2f s%n", (middle - started) / 1e9,
                (System.nanoTime() - middle) / 1e9);
    }

    @Test
    void recallAtTenIsAtLeastTheLibrarysAtEf16And64() {
        for (int ef : new int[] {16, 64}) {
            double mine = TestVectors.recall(ours, queries, 10, ef, null);
            double reference = TestVectors.recall(theirs, queries, 10, ef, null);
            System.out.printf("oracle recall@10 at ef %d: ours %.4f, hnswlib-core %.4f%n", ef, mine, reference);
            assertTrue(mine >= reference - 0.01, "ef " + ef + ": ours " + mine + ", hnswlib-core " + reference);
        }
    }

    @Test
    void degreesAndLevelsMatchTheLibrarysGraph() throws IOException {
        Graph mine = ours.snapshot();
        HnswIndex reference = HnswIndex.read(theirs.hnsw()::save);
        assertEquals(COUNT, mine.size());
        assertEquals(COUNT, reference.nodeCount());
        int[][][] theirLinks = new int[COUNT][][];
        for (int node = 0; node < COUNT; node++) {
            theirLinks[node] = reference.links(node);
        }
        Shape ourShape = Shape.of(mine.links);
        Shape theirShape = Shape.of(theirLinks);
        System.out.println("oracle graph shape: ours " + ourShape + "; hnswlib-core " + theirShape);
        assertTrue(Math.abs(ourShape.meanDegree0 - theirShape.meanDegree0) <= 0.1 * theirShape.meanDegree0,
                "mean level-0 degree");
        assertTrue(Math.abs(ourShape.meanDegree1 - theirShape.meanDegree1) <= 0.15 * theirShape.meanDegree1,
                "mean level-1 degree");
        assertTrue(Math.abs(ourShape.shareAboveZero - theirShape.shareAboveZero) <= 0.015, "share above level 0");
        assertTrue(ourShape.maxDegree0 <= 2 * PARAMS.m() && ourShape.minDegree0 >= 1, "level-0 degree bounds");
        // The heuristic may prune every in-link of a few nodes (both implementations do); search still reaches them
        // from the upper levels or not at all, so their count must stay as small as the library's.
        int ourUnreachable = COUNT - reachableOnLevel0(mine.links, mine.entryPoint);
        int theirUnreachable = COUNT - reachableOnLevel0(theirLinks, reference.entryPoint());
        System.out.printf("oracle: nodes unreachable on level 0 from the entry point: ours %d, hnswlib-core %d%n",
                ourUnreachable, theirUnreachable);
        assertTrue(ourUnreachable <= Math.max(theirUnreachable, COUNT / 1000), "unreachable nodes: " + ourUnreachable);
    }

    /** Degree statistics of a graph given as links[node][level]. */
    record Shape(double meanDegree0, int minDegree0, int maxDegree0, double meanDegree1, double shareAboveZero) {
        static Shape of(int[][][] links) {
            long sum0 = 0;
            long sum1 = 0;
            int min0 = Integer.MAX_VALUE;
            int max0 = 0;
            int above = 0;
            for (int[][] node : links) {
                sum0 += node[0].length;
                min0 = Math.min(min0, node[0].length);
                max0 = Math.max(max0, node[0].length);
                if (node.length > 1) {
                    above++;
                    sum1 += node[1].length;
                }
            }
            return new Shape((double) sum0 / links.length, min0, max0, above == 0 ? 0 : (double) sum1 / above,
                    (double) above / links.length);
        }

        @Override
        public String toString() {
            return String.format("level-0 degree mean %.2f (min %d, max %d), level-1 degree mean %.2f, %.2f%% above "
                    + "level 0", meanDegree0, minDegree0, maxDegree0, meanDegree1, 100 * shareAboveZero);
        }
    }

    private static int reachableOnLevel0(int[][][] links, int entry) {
        boolean[] seen = new boolean[links.length];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        queue.add(entry);
        seen[entry] = true;
        int reached = 1;
        while (!queue.isEmpty()) {
            for (int next : links[queue.poll()][0]) {
                if (!seen[next]) {
                    seen[next] = true;
                    reached++;
                    queue.add(next);
                }
            }
        }
        return reached;
    }
}
