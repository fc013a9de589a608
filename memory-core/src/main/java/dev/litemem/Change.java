package dev.litemem;

import java.time.Instant;

/**
 * One entry of the change log: every insert, update and delete gets the next sequence number, in the same transaction
 * as the change. Sequence numbers only grow and are never reused, so a reader (the vector index, a replica, a central
 * ledger) resumes from the last sequence it saw.
 *
 * @param collection  the record's collection, or null for an entity outside collections
 * @param recordId    the key of what changed: a record's id (for other entities, their own key)
 * @param actor       who made the change: {@code attribution.id()}, or null when nobody was named
 * @param entity      what kind of thing changed: {@value #RECORD} for a collection's record; other capabilities log their
 *                    own kinds
 * @param attribution who made the change and on what authority, or null when nobody was named
 */
public record Change(long seq, Instant at, String collection, String recordId, Operation op, String actor,
                     String entity, Actor attribution) {
    /** The entity of a collection's record. */
    public static final String RECORD = "record";

    /** A record's change as logged before entities and attribution were added. */
    public Change(long seq, Instant at, String collection, String recordId, Operation op, String actor) {
        this(seq, at, collection, recordId, op, actor, RECORD, actor == null ? null : Actor.of(actor));
    }

    public enum Operation {
        INSERT, UPDATE, DELETE,
        /** An explicit ledger event was appended ({@link Ledger#append}); entity {@code event}. */
        APPEND,
        /** Deleted because its time to live ran out (a memory, a work-state entry, an idempotency key). */
        EXPIRE
    }
}
