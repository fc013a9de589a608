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
 * @param skippedRows     rows left out of the index because their stored embedding cannot be used (wrong length or
 *                        dimension, NaN or infinite components, all zero under cosine: changed outside LiteMem); they
 *                        are logged when found, stay readable, and come back once rewritten
 */
public record IndexStats(boolean loaded, int size, int deleted, long appliedSeq, long checkpointSeq,
                         long checkpointBytes, String source, int skippedRows) {

    /** The stats without a checkpoint size (0) or skipped rows (0), as before those were added. */
    public IndexStats(boolean loaded, int size, int deleted, long appliedSeq, long checkpointSeq, String source) {
        this(loaded, size, deleted, appliedSeq, checkpointSeq, 0, source, 0);
    }
}
