package dev.litemem.internal.store;

import dev.litemem.Actor;
import dev.litemem.Change;
import dev.litemem.LiteMemException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Appends entries to the change log ({@code changes}) inside the caller's write transaction: the one place that
 * writes it, for records and for every other entity a capability logs. Prepare one per transaction (or batch) and
 * close it with the transaction's statements.
 *
 * <p>Each entry gets its row hashes ({@link RowHash}: after from the image, before from the caller) and its outbox
 * flag ({@code ledger}): explicit ledger events always; a change in a collection when the collection's policy is
 * {@code all}; any other entity when the store's policy for that entity ({@code ledger_policies}) is {@code all}.
 * Policies are read once per instance, inside the caller's transaction.
 */
public final class ChangeLog implements AutoCloseable {
    /** The entity of an explicit ledger event. */
    public static final String EVENT = "event";
    /**
     * The meta key that turns on row images ({@code all}; absent or anything else: off): the row triggers of
     * {@link RowTriggers} log every row change of every table that holds data, with the row before and after, which is
     * what point-in-time restore replays; see {@code LiteMem.keepChangeImages}. An entry logged here keeps its entity
     * after-image only when bound for the ledger either way (with row images on it would be a third copy of the row).
     */
    public static final String IMAGES_KEY = "change_images";
    private final Handle handle;
    private final PreparedStatement insert;
    /** Whether {@link #insert} is this instance's own (closed with it) or the connection's kept statement. */
    private final boolean ownsInsert;
    private final Map<Long, Boolean> collectionPolicies = new HashMap<>();
    private final Map<String, Boolean> entityPolicies = new HashMap<>();
    /** Whether this log writes a replica's changes, applied from its primary's feed (the only writer a replica takes). */
    private final boolean replicaApply;
    private boolean replicaChecked;

    public ChangeLog(Handle h) {
        this(h, false);
    }

    /**
     * @param replicaApply true only for the replica's own apply path ({@code dev.litemem.changes.ReplicaFile}): every
     *                     other writer of a file marked as a replica is refused at its first logged change
     */
    public ChangeLog(Handle h, boolean replicaApply) {
        this.handle = h;
        this.replicaApply = replicaApply;
        this.ownsInsert = true;
        try {
            insert = h.getConnection().prepareStatement(INSERT);
        } catch (SQLException e) {
            throw new LiteMemException("cannot prepare the change-log statement: " + e.getMessage(), e);
        }
    }

    /**
     * A log on the statement {@code db} keeps prepared on the handle's connection ({@link Database#prepared}): for
     * writers that log one or two changes per transaction many times a second (a memory's remember), where preparing
     * the statement again each time cost about what the insert did.
     */
    public ChangeLog(Handle h, Database db) {
        this.handle = h;
        this.replicaApply = false;
        this.ownsInsert = false;
        try {
            insert = db.prepared(h, INSERT);
        } catch (SQLException e) {
            throw new LiteMemException("cannot prepare the change-log statement: " + e.getMessage(), e);
        }
    }

    private static final String INSERT = "INSERT INTO changes (at, entity, collection_id, record_id, row_id, op, actor,"
            + " on_behalf_of, model, authority, request_id, image, image_vector, before_sha256, after_sha256, ledger)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq";

    /** Logs one change without an after-image; see {@link #log(String, Long, String, Long, String, Actor, long, String, byte[])}. */
    public long log(String entity, Long collectionId, String key, Long rowId, String op, Actor actor, long now)
            throws SQLException {
        return log(entity, collectionId, key, rowId, op, actor, now, null, null);
    }

    /**
     * Logs one change and returns its sequence number.
     *
     * @param entity       what changed ({@code record}, or another capability's kind)
     * @param collectionId the record's collection, or null outside collections
     * @param key          the key of what changed (a record id, a memory id, a state key, ...)
     * @param rowId        the row in the entity's table, or null
     * @param op           the operation's name as stored ({@code insert}, {@code update}, {@code delete}, ...)
     * @param actor        who made it, or null
     * @param image        the after-image of what changed as written now (a JSON object, the entity's own shape), or
     *                     null when it is gone (a delete). Every logged entity passes one: its hash is stored with
     *                     every entry, the image itself only with an entry bound for the ledger, which replays it (for
     *                     any other entry it would be a second copy of the row kept until the log is pruned)
     * @param imageVector  a record's vector (little-endian float32), or null
     */
    public long log(String entity, Long collectionId, String key, Long rowId, String op, Actor actor, long now,
                    String image, byte[] imageVector) throws SQLException {
        return log(entity, collectionId, key, rowId, op, actor, now, image, imageVector, null);
    }

    /**
     * Logs one change with the hash of what it replaced or removed ({@link RowHash#of} of the row's image before the
     * change; null when there was none, as for an insert). The after-hash is computed here from {@code image}.
     */
    public long log(String entity, Long collectionId, String key, Long rowId, String op, Actor actor, long now,
                    String image, byte[] imageVector, byte[] beforeSha256) throws SQLException {
        if (!replicaChecked) {
            refuseLocalWritesOnAReplica();
            replicaChecked = true;
        }
        insert.setLong(1, now);
        insert.setString(2, entity);
        setLong(3, collectionId);
        insert.setString(4, key);
        setLong(5, rowId);
        insert.setString(6, op);
        insert.setString(7, actor == null ? null : actor.id());
        insert.setString(8, actor == null ? null : actor.onBehalfOf());
        insert.setString(9, actor == null ? null : actor.model());
        insert.setString(10, actor == null ? null : actor.authority());
        insert.setString(11, actor == null ? null : actor.requestId());
        // Only an entry bound for the ledger keeps its image: the shipper replays it, while for any other change it would
        // be a second copy of the row (text and vector) kept until the log is pruned. Every entry keeps its hashes.
        // Point-in-time restore replays the row images the row triggers log (change_images = all), not these.
        boolean outbox = inOutbox(entity, collectionId);
        boolean keepImage = outbox;
        insert.setString(12, keepImage ? image : null);
        insert.setBytes(13, keepImage ? imageVector : null);
        insert.setBytes(14, beforeSha256);
        insert.setBytes(15, image == null ? null : RowHash.of(entity, image, imageVector));
        insert.setInt(16, outbox ? 1 : 0);
        try (ResultSet rs = insert.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * A replica's file follows its primary: a local write would make it differ from the primary for good (the feed
     * never undoes it) and would be lost at the next re-bootstrap, so every writer but the replica's apply is refused.
     */
    private void refuseLocalWritesOnAReplica() {
        if (replicaApply) {
            return;
        }
        java.util.Optional<String> of = LedgerRows.meta(handle, ReplicaMeta.OF);
        if (of.isPresent()) {
            throw new dev.litemem.changes.ReplicaWriteException("this file is a read-only replica of " + of.get() + ": it takes no local"
                    + " writes. Write through the replica (Replica.put/delete send writes to the primary) or to the"
                    + " primary's server; for a writable copy, export the tenant from the server instead");
        }
    }

    /** Whether a change of this entity (in this collection, or outside collections when null) goes to the ledger. */
    private boolean inOutbox(String entity, Long collectionId) {
        if (EVENT.equals(entity)) {
            return true;
        }
        // A kind's own policy covers every change of that kind, in a collection or not (memories live in the reserved
        // collection '_memories', which users cannot name: ledger().policy("memory", ALL) is how they opt in).
        boolean byKind = !Change.RECORD.equals(entity) && entityPolicies.computeIfAbsent(entity, e -> handle.createQuery(
                "SELECT policy = 'all' FROM ledger_policies WHERE entity = ?").bind(0, e).mapTo(Boolean.class).findOne()
                .orElse(false));
        if (byKind) {
            return true;
        }
        if (collectionId != null) {
            return collectionPolicies.computeIfAbsent(collectionId, id -> handle.createQuery(
                    "SELECT ledger = 'all' FROM collections WHERE id = ?").bind(0, id).mapTo(Boolean.class).findOne()
                    .orElse(false));
        }
        return false;
    }

    private void setLong(int index, Long value) throws SQLException {
        if (value == null) {
            insert.setNull(index, Types.INTEGER);
        } else {
            insert.setLong(index, value);
        }
    }

    @Override
    public void close() {
        if (!ownsInsert) {
            return; // the connection's kept statement: its result set was closed after each use
        }
        try {
            insert.close();
        } catch (SQLException e) {
            throw new LiteMemException("closing a statement failed: " + e.getMessage(), e);
        }
    }
}
