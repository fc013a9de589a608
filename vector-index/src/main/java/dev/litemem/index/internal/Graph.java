package dev.litemem.index.internal;

/**
 * A graph in plain arrays, detached from hnswlib-core: what a checkpoint holds. Node ids are positions 0..n-1;
 * {@code links[node][level]} are node ids, {@code links[node].length - 1} is the node's level.
 */
final class Graph {

    final long[] labels;
    final int[] sourceHashes;
    final int[][][] links;
    final int entryPoint;
    final int maxLevel;

    Graph(long[] labels, int[] sourceHashes, int[][][] links, int entryPoint, int maxLevel) {
        this.labels = labels;
        this.sourceHashes = sourceHashes;
        this.links = links;
        this.entryPoint = entryPoint;
        this.maxLevel = maxLevel;
    }

    int size() {
        return labels.length;
    }

    /**
     * The graph without the nodes marked {@code gone}, renumbered densely. A live node that linked to a gone one
     * inherits the gone node's live neighbours at that level (one hop, up to the level's link limit), so the
     * graph stays connected around the holes without computing any distance. {@code entryPoint} is kept when live;
     * otherwise the first node of the highest level becomes the entry point.
     */
    static Graph withoutGone(long[] labels, int[] sourceHashes, int[][][] links, boolean[] gone, int entryPoint,
                             int m) {
        int n = labels.length;
        int[] dense = new int[n];
        int live = 0;
        for (int i = 0; i < n; i++) {
            dense[i] = gone[i] ? -1 : live++;
        }
        long[] newLabels = new long[live];
        int[] newHashes = new int[live];
        int[][][] newLinks = new int[live][][];
        int[] buffer = new int[2 * m];
        int maxLevel = -1;
        for (int i = 0; i < n; i++) {
            if (gone[i]) {
                continue;
            }
            int d = dense[i];
            newLabels[d] = labels[i];
            newHashes[d] = sourceHashes[i];
            int levels = links[i].length;
            maxLevel = Math.max(maxLevel, levels - 1);
            newLinks[d] = new int[levels][];
            for (int level = 0; level < levels; level++) {
                int cap = level == 0 ? 2 * m : m;
                int count = 0;
                int[] direct = links[i][level];
                for (int neighbour : direct) {
                    if (!gone[neighbour] && neighbour != i && count < cap) {
                        count = addIfAbsent(buffer, count, dense[neighbour]);
                    }
                }
                for (int k = 0; k < direct.length && count < cap; k++) {
                    int hole = direct[k];
                    if (!gone[hole] || links[hole].length <= level) {
                        continue;
                    }
                    for (int second : links[hole][level]) {
                        if (count >= cap) {
                            break;
                        }
                        if (!gone[second] && second != i) {
                            count = addIfAbsent(buffer, count, dense[second]);
                        }
                    }
                }
                newLinks[d][level] = java.util.Arrays.copyOf(buffer, count);
            }
        }
        int newEntry = -1;
        if (entryPoint >= 0 && !gone[entryPoint] && links[entryPoint].length - 1 == maxLevel) {
            newEntry = dense[entryPoint];
        } else {
            for (int d = 0; d < live && newEntry < 0; d++) {
                if (newLinks[d].length - 1 == maxLevel) {
                    newEntry = d;
                }
            }
        }
        return new Graph(newLabels, newHashes, newLinks, newEntry, maxLevel);
    }

    private static int addIfAbsent(int[] buffer, int count, int value) {
        for (int i = 0; i < count; i++) {
            if (buffer[i] == value) {
                return count;
            }
        }
        buffer[count] = value;
        return count + 1;
    }
}
