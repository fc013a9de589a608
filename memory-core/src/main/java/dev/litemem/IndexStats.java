package dev.litemem;

/**
 * The state of a collection's vector index.
 *
 * @param loaded          whether the index is in memory
 * @param size            live vectors in the index
 * @param deleted         removed or replaced nodes still in the graph (reclaimed by compaction)
 * @param appliedSeq      the change-log sequence the index reflects
 * @param checkpointSeq   the sequence of the newest stored checkpoint, or -1
 * @param checkpointBytes the size of that checkpoint (the graph without its vectors), or 0 when there is none
 * @param source          how the index was loaded: "checkpoint", "rebuilt (reason)", or "new"
 */
public record IndexStats(boolean loaded, int size, int deleted, long appliedSeq, long checkpointSeq,
                         long checkpointBytes, String source) {

    /** The stats without a checkpoint size (0), as before {@code checkpointBytes} was added. */
    public IndexStats(boolean loaded, int size, int deleted, long appliedSeq, long checkpointSeq, String source) {
        this(loaded, size, deleted, appliedSeq, checkpointSeq, 0, source);
    }
}
