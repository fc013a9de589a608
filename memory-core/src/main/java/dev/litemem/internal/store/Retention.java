package dev.litemem.internal.store;

import dev.litemem.ChangeLogConsumer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Pruning the change log below every required consumer's position (docs/ARCHITECTURE.md, "Retention"): registered
 * consumers of the file's current incarnation, each collection's newest index checkpoint, and the in-memory indexes of
 * this process. The ledger shipper's position holds back only outbox entries (an unshipped outbox entry is never
 * deleted; without a shipper position none is). The newest entry is always kept, and {@code meta} records
 * {@code changelog.pruned_through}, which readers compare with their position to notice they must start over.
 *
 * <p>A collection's index needs only the changes of its own collection. Its position counts up to its collection's
 * first change after it (an index of a collection nobody changes holds nothing back), and it compares its position
 * with the newest pruned change of its own collection ({@link #prunedThroughFor}), kept in {@code meta} per collection
 * from the first pruning of this version on; before that, with the file-wide mark.
 */
public final class Retention {
    public static final String PRUNED_THROUGH = "changelog.pruned_through";
    /** Set at the first pruning that tracks collections: the file-wide mark then, which every collection inherits. */
    static final String BY_COLLECTION_SINCE = "changelog.pruned_by_collection_since";
    private static final String COLLECTION_PREFIX = "changelog.pruned_through.collection.";
    private static final String LEDGER = "ledger";
    private static final int CHUNK = 10_000;

    private Retention() {
    }

    /** Every consumer: the registered ones and one per collection with an index checkpoint. */
    public static List<ChangeLogConsumer> consumers(Handle h) {
        String incarnation = RecordRows.incarnation(h);
        List<ChangeLogConsumer> all = new ArrayList<>();
        h.createQuery("SELECT k.name, max(c.seq) FROM index_checkpoints c JOIN collections k ON k.id = c.collection_id"
                        + " GROUP BY k.name ORDER BY k.name")
                .map((rs, ctx) -> new ChangeLogConsumer("index:" + rs.getString(1), rs.getLong(2), null, true))
                .forEach(all::add);
        for (Consumers.Position p : Consumers.all(h)) {
            boolean current = p.incarnation() == null || p.incarnation().equals(incarnation);
            all.add(new ChangeLogConsumer(p.name(), p.position(), p.incarnation(), p.required() && current));
        }
        return all;
    }

    /** The highest seq pruning may have removed, or 0. */
    public static long prunedThrough(Handle h) {
        return LedgerRows.meta(h, PRUNED_THROUGH).map(Long::parseLong).orElse(0L);
    }

    /**
     * The newest pruned change of this collection: an index of it whose position is below must start over (the
     * changes it would replay are gone). Changes of other collections do not concern it.
     */
    public static long prunedThroughFor(Handle h, long collectionId) {
        Optional<Long> since = LedgerRows.meta(h, BY_COLLECTION_SINCE).map(Long::parseLong);
        if (since.isEmpty()) {
            return prunedThrough(h); // pruned by a version that kept only the file-wide mark
        }
        long own = LedgerRows.meta(h, COLLECTION_PREFIX + collectionId).map(Long::parseLong).orElse(0L);
        return Math.max(since.get(), own);
    }

    /**
     * The position below which entries may go, given the in-memory positions (applied seqs) of this process's loaded
     * indexes by collection id; at most the newest seq - 1. An index holds back only up to its collection's first
     * change after its position.
     */
    public static long floor(Handle h, Map<Long, Long> loadedIndexes) {
        long newest = RecordRows.lastSequence(h);
        long floor = newest - 1;
        for (ChangeLogConsumer c : consumers(h)) {
            if (c.required() && !c.name().equals(LEDGER) && !c.name().startsWith("index:")) {
                floor = Math.min(floor, c.position());
            }
        }
        Map<Long, Long> indexes = new HashMap<>(loadedIndexes);
        h.createQuery("SELECT collection_id, max(seq) FROM index_checkpoints GROUP BY collection_id")
                .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .forEach(cp -> indexes.merge(cp[0], cp[1], Math::min));
        for (Map.Entry<Long, Long> index : indexes.entrySet()) {
            Long next = h.createQuery("SELECT min(seq) FROM changes WHERE collection_id = ? AND seq > ?")
                    .bind(0, index.getKey()).bind(1, index.getValue()).mapTo(Long.class).one();
            if (next != null) {
                floor = Math.min(floor, next - 1);
            }
        }
        return Math.max(0, floor);
    }

    /**
     * Deletes up to {@value #CHUNK} entries at or below {@code floor} (outbox entries only up to the ledger's
     * position), in the caller's write transaction, and raises {@code changelog.pruned_through}. Returns how many.
     */
    public static int pruneChunk(Handle h, long floor) {
        String incarnation = RecordRows.incarnation(h);
        long shipped = Consumers.get(h, LEDGER).filter(p -> incarnation.equals(p.incarnation()))
                .map(Consumers.Position::position).orElse(0L);
        if (LedgerRows.meta(h, BY_COLLECTION_SINCE).isEmpty()) {
            setMeta(h, BY_COLLECTION_SINCE, prunedThrough(h));
        }
        Map<Long, Long> newestByCollection = new HashMap<>();
        int[] deleted = {0};
        h.createQuery("DELETE FROM changes WHERE seq IN (SELECT seq FROM changes WHERE seq <= ?"
                        + " AND (ledger = 0 OR seq <= ?) ORDER BY seq LIMIT " + CHUNK + ") RETURNING seq, collection_id")
                .bind(0, floor).bind(1, shipped)
                .map((rs, ctx) -> {
                    deleted[0]++;
                    long collection = rs.getLong(2);
                    if (!rs.wasNull()) {
                        newestByCollection.merge(collection, rs.getLong(1), Math::max);
                    }
                    return null;
                }).forEach(x -> { });
        for (Map.Entry<Long, Long> e : newestByCollection.entrySet()) {
            h.createUpdate("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                            + " WHERE CAST(excluded.value AS INTEGER) > CAST(meta.value AS INTEGER)")
                    .bind(0, COLLECTION_PREFIX + e.getKey()).bind(1, Long.toString(e.getValue())).execute();
        }
        if (floor > prunedThrough(h)) {
            setMeta(h, PRUNED_THROUGH, floor);
        }
        return deleted[0];
    }

    private static void setMeta(Handle h, String key, long value) {
        h.createUpdate("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind(0, key).bind(1, Long.toString(value)).execute();
    }
}
