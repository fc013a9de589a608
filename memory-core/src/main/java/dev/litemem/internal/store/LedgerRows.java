package dev.litemem.internal.store;

import dev.litemem.Actor;
import dev.litemem.LedgerEntry;
import dev.litemem.LedgerPolicy;
import dev.litemem.LiteMemException;
import dev.litemem.OutboxStatus;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The outbox's rows: policies, explicit events, the entries waiting for the ledger, and the file's incarnation. */
public final class LedgerRows {
    private static final SecureRandom RANDOM = new SecureRandom();

    private LedgerRows() {
    }

    /** Appends an explicit ledger event in the caller's write transaction; returns its sequence number. */
    public static long append(Handle h, String type, String payloadJson, Actor actor, long now) {
        try (ChangeLog log = new ChangeLog(h)) {
            return log.log(ChangeLog.EVENT, null, type, null, "append", actor, now, payloadJson, null);
        } catch (SQLException e) {
            throw new LiteMemException("appending a ledger event failed: " + e.getMessage(), e);
        }
    }

    public static LedgerPolicy entityPolicy(Handle h, String entity) {
        return h.createQuery("SELECT policy FROM ledger_policies WHERE entity = ?").bind(0, entity).mapTo(String.class)
                .findOne().map(LedgerPolicy::fromId).orElse(LedgerPolicy.NONE);
    }

    public static void setEntityPolicy(Handle h, String entity, LedgerPolicy policy) {
        h.createUpdate("INSERT INTO ledger_policies (entity, policy) VALUES (?, ?)"
                + " ON CONFLICT (entity) DO UPDATE SET policy = excluded.policy").bind(0, entity).bind(1, policy.id()).execute();
    }

    public static LedgerPolicy collectionPolicy(Handle h, long collectionId) {
        return LedgerPolicy.fromId(h.createQuery("SELECT ledger FROM collections WHERE id = ?").bind(0, collectionId)
                .mapTo(String.class).one());
    }

    public static void setCollectionPolicy(Handle h, long collectionId, LedgerPolicy policy) {
        h.createUpdate("UPDATE collections SET ledger = ? WHERE id = ?").bind(0, policy.id()).bind(1, collectionId).execute();
    }

    /** Up to {@code limit} outbox entries after {@code afterSeq}, oldest first. */
    public static List<LedgerEntry> outbox(Handle h, long afterSeq, int limit) {
        return h.createQuery("SELECT c.seq, c.at, c.entity, k.name, c.record_id, c.op, c.actor, c.on_behalf_of, c.model,"
                        + " c.authority, c.request_id, c.image, c.before_sha256, c.after_sha256 FROM changes c"
                        + " LEFT JOIN collections k ON k.id = c.collection_id"
                        + " WHERE c.ledger = 1 AND c.seq > ? ORDER BY c.seq LIMIT ?")
                .bind(0, afterSeq).bind(1, limit)
                .map((rs, ctx) -> {
                    String entity = rs.getString(3);
                    boolean event = ChangeLog.EVENT.equals(entity);
                    String actorId = rs.getString(7);
                    // Read back as stored: an actor written by another tool is shipped, not re-validated.
                    Actor actor = actorId == null || actorId.isBlank() ? null : new Actor(actorId, rs.getString(8),
                            rs.getString(9), rs.getString(10), rs.getString(11));
                    return new LedgerEntry(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), entity,
                            event ? rs.getString(5) : entity, rs.getString(4), event ? null : rs.getString(5),
                            rs.getString(6), actor, rs.getString(12), rs.getBytes(13), rs.getBytes(14));
                })
                .list();
    }

    /** The outbox after {@code position}: how many entries, the oldest one's time, the newest seq. */
    public static OutboxStatus status(Handle h, long position) {
        return h.createQuery("SELECT count(*), min(at), max(seq) FROM changes WHERE ledger = 1 AND seq > ?")
                .bind(0, position)
                .map((rs, ctx) -> {
                    long pending = rs.getLong(1);
                    long oldest = rs.getLong(2);
                    Instant oldestAt = rs.wasNull() ? null : Instant.ofEpochMilli(oldest);
                    long last = rs.getLong(3);
                    return new OutboxStatus(position, pending, oldestAt, rs.wasNull() ? position : last);
                }).one();
    }

    /**
     * Gives the file a new incarnation in the caller's write transaction and returns it. The old one is kept as
     * {@code incarnation.previous}, and the highest sequence number ever given out as {@code incarnation.base_seq}: a
     * reader keyed by the old incarnation that got past that point saw a history this file no longer has.
     */
    public static String newIncarnation(Handle h) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        String fresh = HexFormat.of().formatHex(bytes);
        String previous = RecordRows.incarnation(h);
        long base = Math.max(RecordRows.lastSequence(h), h.createQuery("SELECT coalesce(max(seq), 0) FROM sqlite_sequence"
                + " WHERE name = 'changes'").mapTo(Long.class).one());
        setMeta(h, "incarnation", fresh);
        setMeta(h, "incarnation.previous", previous);
        setMeta(h, "incarnation.base_seq", Long.toString(base));
        return fresh;
    }

    public static Optional<String> meta(Handle h, String key) {
        return h.createQuery("SELECT value FROM meta WHERE key = ?").bind(0, key).mapTo(String.class).findOne();
    }

    public static void setMeta(Handle h, String key, String value) {
        h.createUpdate("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind(0, key).bind(1, value).execute();
    }
}
