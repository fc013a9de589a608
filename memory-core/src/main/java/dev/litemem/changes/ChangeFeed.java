package dev.litemem.changes;

import java.time.Duration;

/**
 * The change feed of a file (docs/REPLICAS.md): its changes after a position, each as the state of the row it changed.
 * Get one from {@link dev.litemem.LiteMem#changeFeed()}; thread-safe.
 *
 * <p>State-based: the change log keeps after-images only of entries bound for the ledger, so each changed row is sent
 * as it is NOW, read in the same read transaction as the log (a row that is gone is sent as a tombstone). Changes of
 * one row within a batch collapse to one entry. A reader that applies the batches in order converges to the file; its
 * position means "every change at or below it is applied". The feed deliberately ignores stored images even where
 * there are some: sending an older image after a newer state was already sent would move a row back in time.
 *
 * <p>Only records of collections travel (entity {@code record}); agent memory, work state and ledger events are not
 * replicated by the feed (their sequence numbers still advance the position).
 */
public interface ChangeFeed {
    /** The most change-log entries one batch reads. */
    int MAX_LIMIT = 10_000;

    /**
     * The changes after {@code after}, reading at most {@code limit} change-log entries, in one read transaction.
     *
     * @throws ChangesGoneException if changes after {@code after} were pruned, or {@code after} is beyond anything
     *                              this file ever numbered (another history): start again from a snapshot
     */
    ChangeBatch read(long after, int limit);

    /** The file's incarnation and newest sequence number, read together. */
    Position current();

    /**
     * A SHA-256 over the canonical row hash (docs/ARCHITECTURE.md, "Canonical row hash") of every record of every
     * collection, in collection-name and id order, read in one read transaction: two files with the same records, a
     * primary and a replica at the same position, give the same digest (hex). Reads every row: for checks, not hot paths.
     */
    String recordsDigest();

    /** How many write transactions this store has committed; pass it to {@link #awaitCommit}. */
    long commitCount();

    /**
     * Waits, without polling, until this store commits after {@code seenCommits} (from {@link #commitCount()}), it
     * closes, or {@code timeout} passes. Writers in other processes are not seen: callers wait in bounded slices.
     */
    void awaitCommit(long seenCommits, Duration timeout) throws InterruptedException;

    /** An incarnation and a sequence number in it. */
    record Position(String incarnation, long seq) {
    }
}
