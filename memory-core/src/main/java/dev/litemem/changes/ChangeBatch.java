package dev.litemem.changes;

import java.util.List;

/**
 * The changes of a file after a position, as the states of the rows they changed (docs/REPLICAS.md). Applying the
 * batches of one incarnation in order, each whole, converges to the file: after a batch, every change at or below
 * {@link #position()} is applied (a row may already show a later state than the position, never an earlier one).
 *
 * @param incarnation the file's incarnation; positions of another incarnation mean nothing here
 * @param after       the position asked from
 * @param position    the position a reader has reached once it applied this batch (= {@code after} when empty)
 * @param latest      the newest sequence number of the file when the batch was read
 * @param collections the definitions of the collections the rows belong to
 * @param rows        one entry per changed row (repeated changes of a row collapsed to its last), in the order of their
 *                    last change
 */
public record ChangeBatch(String incarnation, long after, long position, long latest, List<CollectionDef> collections,
                          List<RowChange> rows) {
    public ChangeBatch {
        collections = List.copyOf(collections);
        rows = List.copyOf(rows);
    }

    /** A collection as a replica must create it: its name, vector space and index parameters. */
    public record CollectionDef(String name, String model, int dimension, String metric, int hnswM,
                                int hnswEfConstruction, int hnswEfSearch) {
    }

    /**
     * A record's state after its last change in the batch, or its tombstone ({@code deleted}, nothing else set).
     *
     * @param seq          the sequence number of the row's last change in the batch
     * @param metadataJson the metadata as stored (a JSON object's text), so a replica stores it byte for byte
     * @param vector       the vector as stored (little-endian float32), or null
     * @param rowId        the row's id in the primary's file, which a replica gives it too (so ties in a search order
     *                     alike, and the files match row for row), or null to let the replica choose
     */
    public record RowChange(long seq, String collection, String id, boolean deleted, String text, String metadataJson,
                            String source, Integer chunk, long createdAt, long updatedAt, byte[] vector, Long rowId) {
        public static RowChange tombstone(long seq, String collection, String id) {
            return new RowChange(seq, collection, id, true, null, null, null, null, 0, 0, null, null);
        }
    }
}
