package dev.litemem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.litemem.internal.store.Consumers;
import dev.litemem.internal.store.Database;
import dev.litemem.internal.store.Json;
import dev.litemem.internal.store.LedgerRows;
import dev.litemem.internal.store.RecordRows;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A store's outbox to the central ledger (docs/LEDGER.md): explicit ledger events, the outbox policy of entities
 * outside collections, and what a shipper reads. Get it from {@link LiteMem#ledger()}; thread-safe.
 *
 * <pre>{@code
 * mem.inTransaction(h -> {
 *     mem.collection("invoices").upsert(invoice);                       // a collection with LedgerPolicy.ALL
 *     mem.ledger().append("invoice.approved", "{\"invoice\": \"inv-7\"}"); // commits or rolls back with it
 *     return null;
 * });
 * }</pre>
 */
public final class Ledger {
    /** The longest explicit event payload, in characters of JSON. */
    public static final int MAX_PAYLOAD_CHARS = 1 << 20;
    /** The consumer name of the ledger shipper's position hint in the change-log consumer registry. */
    public static final String CONSUMER = "ledger";
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}");
    private static final Pattern ENTITY = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private final LiteMem store;
    private final Database db;
    private final Actor actor;

    Ledger(LiteMem store, Database db, Actor actor) {
        this.store = store;
        this.db = db;
        this.actor = actor;
    }

    /** This ledger with its events recorded as made by {@code actor} instead of the store's default actor. */
    public Ledger as(Actor actor) {
        return new Ledger(store, db, Objects.requireNonNull(actor, "actor"));
    }

    /** Who this view's events are recorded as: the actor given to {@link #as(Actor)}, else the store's default. */
    public Actor actor() {
        return actor != null ? actor : store.actor();
    }

    /**
     * Appends an explicit ledger event ("invoice approved") to the outbox and returns its sequence number. Inside
     * {@link LiteMem#inTransaction} it joins that transaction: it commits or rolls back with the local changes it
     * belongs to.
     *
     * @param type        what happened: 1 to 128 letters, digits, '_', '.', ':', '/' or '-', starting with a letter
     *                    or digit (for example {@code invoice.approved})
     * @param jsonPayload a JSON value (usually an object), at most {@value #MAX_PAYLOAD_CHARS} characters
     * @throws InvalidInputException if the type or the payload is not valid; nothing is written
     */
    public long append(String type, String jsonPayload) {
        if (type == null || !TYPE.matcher(type).matches()) {
            throw new InvalidInputException("type", "an event type must be 1 to 128 letters, digits, '_', '.', ':', '/'"
                    + " or '-', starting with a letter or digit, for example invoice.approved");
        }
        if (jsonPayload == null || jsonPayload.isBlank()) {
            throw new InvalidInputException("payload", "the event payload is empty: give a JSON value such as"
                    + " {\"invoice\": \"inv-7\"}");
        }
        if (jsonPayload.length() > MAX_PAYLOAD_CHARS) {
            throw new InvalidInputException("payload", "the event payload has " + jsonPayload.length()
                    + " characters; at most " + MAX_PAYLOAD_CHARS + " are allowed");
        }
        JsonNode node = Json.readStrict(jsonPayload, "payload", "{\"invoice\": \"inv-7\"}");
        if (node == null) {
            throw new InvalidInputException("payload", "the event payload is empty: give a JSON value");
        }
        String compact;
        try {
            compact = Json.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new LiteMemException("cannot write the event payload as JSON", e);
        }
        Actor by = actor();
        return db.write(h -> LedgerRows.append(h, type, compact, by, System.currentTimeMillis()));
    }

    /**
     * The outbox policy of an entity kind other than records: {@code memory} (agent memory), {@code state},
     * {@code journal}, {@code idempotency}, ... It covers every change of that kind.
     */
    public LedgerPolicy policy(String entity) {
        checkEntity(entity);
        return db.read(h -> LedgerRows.entityPolicy(h, entity));
    }

    /**
     * Sets the outbox policy of an entity kind other than records (for example {@code memory}: every memory's
     * changes), for changes logged from now on. Records follow
     * their collection's policy ({@link Collection#ledgerPolicy(LedgerPolicy)}); explicit events always go.
     */
    public void policy(String entity, LedgerPolicy policy) {
        checkEntity(entity);
        Objects.requireNonNull(policy, "policy");
        if (entity.equals(Change.RECORD) || entity.equals("event")) {
            throw new InvalidInputException("entity", "'" + entity + "' has no store-wide policy: records follow their"
                    + " collection's policy, explicit events always go to the ledger");
        }
        db.write(h -> {
            LedgerRows.setEntityPolicy(h, entity, policy);
            return null;
        });
    }

    /** Up to {@code limit} (1 to 100,000) outbox entries after {@code afterSeq}, oldest first: what a shipper sends. */
    public List<LedgerEntry> outbox(long afterSeq, int limit) {
        if (limit < 1 || limit > 100_000) {
            throw new InvalidInputException("limit", "limit must be between 1 and 100000, was " + limit);
        }
        return db.read(h -> LedgerRows.outbox(h, afterSeq, limit));
    }

    /** The outbox after {@code position}: how many entries are pending and since when. */
    public OutboxStatus status(long position) {
        return db.read(h -> LedgerRows.status(h, position));
    }

    /**
     * The shipper's last recorded position for the file's current incarnation (0 when none): a hint that saves a
     * round trip; the central database's cursor is the truth.
     */
    public long shippedHint() {
        return db.read(h -> {
            String incarnation = RecordRows.incarnation(h);
            return Consumers.get(h, CONSUMER).filter(p -> incarnation.equals(p.incarnation()))
                    .map(Consumers.Position::position).orElse(0L);
        });
    }

    /**
     * Records that everything in the outbox up to {@code position} is in the central ledger under {@code incarnation}
     * (a hint; ignored when the file has had a new incarnation since). Also the ledger's position in the change-log
     * consumer registry, below which retention may prune outbox entries.
     */
    public void recordShipped(String incarnation, long position) {
        db.write(h -> {
            if (incarnation.equals(RecordRows.incarnation(h))) {
                Consumers.set(h, CONSUMER, position, incarnation, true);
            }
            return null;
        });
    }

    /**
     * The incarnation before the current one and the highest sequence number given out when it ended (a restore or
     * another reason for {@link LiteMem#newIncarnation()}), or null when the file has had only one.
     */
    public PreviousIncarnation previousIncarnation() {
        return db.read(h -> LedgerRows.meta(h, "incarnation.previous").map(p -> new PreviousIncarnation(p,
                Long.parseLong(LedgerRows.meta(h, "incarnation.base_seq").orElse("0")))).orElse(null));
    }

    /**
     * The incarnation a file had before its current one, and the highest sequence number it had given out then: a
     * reader keyed by the old incarnation may trust its position up to {@code baseSeq} only.
     */
    public record PreviousIncarnation(String incarnation, long baseSeq) {
    }

    private static void checkEntity(String entity) {
        if (entity == null || !ENTITY.matcher(entity).matches()) {
            throw new InvalidInputException("entity", "an entity kind must be 1 to 64 lower-case letters, digits or '_',"
                    + " starting with a letter, for example state");
        }
    }
}
