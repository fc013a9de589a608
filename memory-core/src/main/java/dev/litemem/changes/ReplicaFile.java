package dev.litemem.changes;

import java.util.Optional;

/**
 * A replica's side of a file (docs/REPLICAS.md): marks a file as the replica of a tenant and applies its primary's
 * change batches, each in one write transaction together with the new position, so a crash at any point resumes
 * exactly where the last committed batch left off. Get one from {@link dev.litemem.LiteMem#replicaFile()}.
 */
public interface ReplicaFile {
    /** Where a replica stands: what it follows, the primary's position and incarnation, and when it last applied. */
    record State(String of, String replicaId, long position, String incarnation, long syncedAtMillis) {
    }

    /** The file's replica state, or empty when it is not a replica. */
    Optional<State> state();

    /**
     * Marks a freshly copied snapshot of the primary as its replica, in one transaction: the primary's incarnation and
     * the position the snapshot is consistent at (its newest change), a new local incarnation (local sequence numbers
     * go their own way from here), and none of the primary's registered change-log consumers (they are the primary's).
     *
     * @return the position: the primary's sequence number the snapshot reflects
     */
    long markAsReplicaOfSnapshot(String of, String replicaId);

    /**
     * Applies one batch in one write transaction with the new position. A batch that does not start where the file
     * stands (another incarnation, or a position other than the file's) is refused and changes nothing.
     *
     * @throws dev.litemem.LiteMemException if the batch does not follow the file's position
     */
    void apply(ChangeBatch batch);
}
