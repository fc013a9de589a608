package dev.litemem;

/**
 * The state of a collection's vector index.
 *
 * @param loaded          whether the index is in memory
 * @param size            live vectors in the index
 * @param deleted         removed or replaced nodes still in the graph (reclaimed by compaction)
 * @param appliedSeq      the change-log sequence the index reflects
 * @param checkpointSeq   the sequence of the newest stored checkpoint, or -1
 * @param source          how the index was loaded: "checkpoint", "rebuilt (reason)", or "new"
 */
public record IndexStats(boolean loaded, int size, int deleted, long appliedSeq, long checkpointSeq, String source) {
}
