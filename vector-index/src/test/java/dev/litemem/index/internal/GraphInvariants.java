package dev.litemem.index.internal;

/**
 * Checks the structure of an index's graph while nothing is being added or removed: every allocated node is live
 * or deleted (none left pending), live nodes are exactly the labels the index reports, every list is within its
 * level's limit and holds distinct, existing nodes (never the node itself) on at least that level, and the entry
 * point is on the top level.
 */
final class GraphInvariants {

    private GraphInvariants() {
    }

    /** A description of the first violation, or null. */
    static String violation(HnswVectorIndex index) {
        HnswGraph graph = index.graph();
        VectorStore store = index.store();
        HnswGraph.Nodes nodes = graph.nodes();
        int total = graph.nodeCount();
        int liveCount = 0;
        int deletedCount = 0;
        int top = -1;
        int[] buffer = new int[graph.maxLinks0];
        for (int node = 0; node < total; node++) {
            byte flag = nodes.flags[node];
            if (flag == HnswGraph.PENDING) {
                return "node " + node + " is still pending";
            }
            if (flag == HnswGraph.LIVE) {
                liveCount++;
                if (!index.contains(store.label(node))) {
                    return "live node " + node + " has a label the index does not contain";
                }
            } else {
                deletedCount++;
            }
            int level = nodes.levels[node];
            top = Math.max(top, level);
            for (int l = 0; l <= level; l++) {
                int count = graph.copyLinks(nodes, node, l, buffer);
                java.util.Set<Integer> seen = new java.util.HashSet<>();
                for (int i = 0; i < count; i++) {
                    int id = buffer[i];
                    if (id < 0 || id >= total || id == node || !seen.add(id)) {
                        return "node " + node + " level " + l + ": bad link " + id;
                    }
                    if (nodes.levels[id] < l) {
                        return "node " + node + " level " + l + ": link to node " + id + " of level " + nodes.levels[id];
                    }
                }
            }
        }
        if (liveCount != index.size() || deletedCount != index.deletedCount()) {
            return liveCount + " live and " + deletedCount + " deleted nodes, but the index reports "
                    + index.size() + " and " + index.deletedCount();
        }
        long state = graph.entryState();
        if (total > 0 && (HnswGraph.topLevel(state) != top || nodes.levels[HnswGraph.entryNode(state)] != top)) {
            return "entry point " + HnswGraph.entryNode(state) + " is not on the top level " + top;
        }
        return null;
    }
}
