package dev.litemem;

/**
 * What {@link LiteMem#pruneChangeLog()} did.
 *
 * @param deleted       change-log entries deleted now
 * @param prunedThrough every entry up to this sequence number may be gone (outbox entries not yet shipped are kept):
 *                      a reader whose position is below it must start over from a snapshot or a rebuild
 */
public record ChangeLogPruning(long deleted, long prunedThrough) {
}
