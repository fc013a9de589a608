package dev.litemem;

import java.time.Instant;

/**
 * One change waiting in (or passed through) a store's outbox, as the shipper sends it to the central ledger: the
 * columns of {@code litemem.events} but the tenant and the incarnation.
 *
 * @param seq          the change's sequence number in the file
 * @param at           when it was made
 * @param entity       what changed ({@code record}, {@code event}, or another capability's kind)
 * @param type         the event's type for an explicit event ({@link Ledger#append}); otherwise the entity
 * @param collection   the record's collection, or null outside collections
 * @param recordId     the key of what changed (a record id, ...), or null for an explicit event
 * @param op           {@code insert}, {@code update}, {@code delete}, {@code append}, ...
 * @param actor        who made it, or null
 * @param payload      the after-image as JSON (a record without its vector; an explicit event's payload), or null
 *                     (a delete)
 * @param beforeSha256 the canonical hash of the row before the change, or null
 * @param afterSha256  the canonical hash of the row after the change, or null
 */
public record LedgerEntry(long seq, Instant at, String entity, String type, String collection, String recordId,
                          String op, Actor actor, String payload, byte[] beforeSha256, byte[] afterSha256) {
}
