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
 * @param entities    one entry per changed entity outside users' collections (agent memory and work state), collapsed
 *                    and ordered the same way; applied after {@code rows}
 */
public record ChangeBatch(String incarnation, long after, long position, long latest, List<CollectionDef> collections,
                          List<RowChange> rows, List<EntityChange> entities) {
    public ChangeBatch {
        collections = List.copyOf(collections);
        rows = List.copyOf(rows);
        entities = entities == null ? List.of() : List.copyOf(entities);
    }

    /** A batch of records only. */
    public ChangeBatch(String incarnation, long after, long position, long latest, List<CollectionDef> collections,
                       List<RowChange> rows) {
        this(incarnation, after, position, latest, collections, rows, List.of());
    }

    /**
     * The state of an agent-memory or work-state entity after its last change in the batch, or its tombstone
     * ({@code rowsJson} null): entity {@code memory} (a memory: its record, {@code memories} row and versions; the
     * memory collection's definition is in {@link #collections()}), {@code state}, {@code journal} or
     * {@code idempotency}. The rows travel as their columns as stored (a JSON object; see docs/REPLICAS.md).
     *
     * @param key    the entity's key as the change log has it (memory id, JSON array of scope ids and state key, journal
     *               run, idempotency key)
     * @param rowId  a memory's record row id in the primary's file, a journal entry's seq; else null
     * @param vector a memory's vector as stored (little-endian float32), else null
     */
    public record EntityChange(long seq, String entity, String key, Long rowId, String rowsJson, byte[] vector) {
        public boolean deleted() {
            return rowsJson == null;
        }
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
