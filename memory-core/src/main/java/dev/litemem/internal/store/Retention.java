package dev.litemem.internal.store;

import dev.litemem.ChangeLogConsumer;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Pruning the change log below every required consumer's position (docs/ARCHITECTURE.md, "Retention"): registered
 * consumers of the file's current incarnation, each collection's newest index checkpoint, and the in-memory indexes of
 * this process. The ledger shipper's position holds back only outbox entries (an unshipped outbox entry is never
 * deleted; without a shipper position none is). The newest entry is always kept, and {@code meta} records
 * {@code changelog.pruned_through}, which readers compare with their position to notice they must start over.
 */
public final class Retention {
    public static final String PRUNED_THROUGH = "changelog.pruned_through";
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
     * The position below which entries may go, given the in-memory positions (applied seqs) of this process's loaded
     * indexes; at most the newest seq - 1.
     */
    public static long floor(Handle h, java.util.Collection<Long> loadedIndexes) {
        long newest = RecordRows.lastSequence(h);
        long floor = newest - 1;
        for (ChangeLogConsumer c : consumers(h)) {
            if (c.required() && !c.name().equals(LEDGER)) {
                floor = Math.min(floor, c.position());
            }
        }
        for (long applied : loadedIndexes) {
            floor = Math.min(floor, applied);
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
        int deleted = h.createUpdate("DELETE FROM changes WHERE seq IN (SELECT seq FROM changes WHERE seq <= ?"
                        + " AND (ledger = 0 OR seq <= ?) ORDER BY seq LIMIT " + CHUNK + ")")
                .bind(0, floor).bind(1, shipped).execute();
        if (floor > prunedThrough(h)) {
            h.createUpdate("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                    .bind(0, PRUNED_THROUGH).bind(1, Long.toString(floor)).execute();
        }
        return deleted;
    }
}
