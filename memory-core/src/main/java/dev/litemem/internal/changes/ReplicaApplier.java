package dev.litemem.internal.changes;

import dev.litemem.changes.ChangeBatch;
import dev.litemem.changes.ChangesGoneException;
import dev.litemem.changes.ReplicaFile;

import dev.litemem.CollectionInfo;
import dev.litemem.CollectionSpec;
import dev.litemem.LiteMemException;
import dev.litemem.index.HnswParams;
import dev.litemem.index.Metric;
import dev.litemem.internal.store.CollectionRows;
import dev.litemem.internal.store.Consumers;
import dev.litemem.internal.store.Database;
import dev.litemem.internal.store.LedgerRows;
import dev.litemem.internal.store.ChangeLog;
import dev.litemem.internal.store.RowTriggers;
import dev.litemem.internal.store.RecordRows;
import dev.litemem.internal.store.RecordWriter;
import dev.litemem.internal.store.ReplicaMeta;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;

/** A replica's side of a file, on its meta keys and the record writer: see {@link ReplicaFile}. */
public final class ReplicaApplier implements ReplicaFile {
    private final Database db;
    private final Consumer<String> written;

    /** @param written tells the store a collection changed */
    public ReplicaApplier(Database db, Consumer<String> written) {
        this.db = db;
        this.written = written;
    }

    @Override
    public Optional<State> state() {
        return db.read(ReplicaApplier::state);
    }

    private static Optional<State> state(Handle h) {
        Optional<String> of = LedgerRows.meta(h, ReplicaMeta.OF);
        if (of.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new State(of.get(), LedgerRows.meta(h, ReplicaMeta.ID).orElse(null),
                LedgerRows.meta(h, ReplicaMeta.POSITION).map(Long::parseLong).orElse(0L),
                LedgerRows.meta(h, ReplicaMeta.INCARNATION).orElse(null),
                LedgerRows.meta(h, ReplicaMeta.SYNCED_AT).map(Long::parseLong).orElse(0L)));
    }

    @Override
    public long markAsReplicaOfSnapshot(String of, String replicaId) {
        return db.write(h -> {
            String primaryIncarnation = RecordRows.incarnation(h);
            long position = RecordRows.lastSequence(h);
            for (Consumers.Position p : Consumers.all(h)) {
                Consumers.remove(h, p.name());
            }
            LedgerRows.newIncarnation(h);
            // The primary's row images (a backup of it turned them on) would log every applied row here a second
            // time: a replica follows its primary's feed and is not itself backed up from a log of its own.
            h.createUpdate("DELETE FROM meta WHERE key = ?").bind(0, ChangeLog.IMAGES_KEY).execute();
            RowTriggers.dropAll(h);
            LedgerRows.setMeta(h, ReplicaMeta.OF, of);
            LedgerRows.setMeta(h, ReplicaMeta.ID, replicaId);
            LedgerRows.setMeta(h, ReplicaMeta.INCARNATION, primaryIncarnation);
            LedgerRows.setMeta(h, ReplicaMeta.POSITION, Long.toString(position));
            LedgerRows.setMeta(h, ReplicaMeta.SYNCED_AT, Long.toString(System.currentTimeMillis()));
            return position;
        });
    }

    @Override
    public void apply(ChangeBatch batch) {
        Set<String> touched = new LinkedHashSet<>();
        db.write(h -> {
            State s = state(h).orElseThrow(() -> new LiteMemException("this file is not a replica: only a replica's"
                    + " file applies a change feed"));
            if (!batch.incarnation().equals(s.incarnation()) || batch.after() != s.position()) {
                throw new LiteMemException("this batch follows position " + batch.after() + " of incarnation "
                        + batch.incarnation() + ", but the replica is at " + s.position() + " of " + s.incarnation()
                        + ": read the feed from the replica's position");
            }
            Map<String, Long> ids = new HashMap<>();
            for (ChangeBatch.CollectionDef def : batch.collections()) {
                ids.put(def.name(), ensureCollection(h, def));
            }
            Map<Long, RecordWriter> writers = new HashMap<>();
            try {
                for (ChangeBatch.RowChange row : batch.rows()) {
                    Long id = ids.get(row.collection());
                    if (id == null) {
                        throw new LiteMemException("a change of collection '" + row.collection() + "' came without its"
                                + " definition: the feed is malformed");
                    }
                    RecordWriter w = writers.computeIfAbsent(id, c -> new RecordWriter(h, c, null, true));
                    if (row.deleted()) {
                        long rowId = w.rowId(row.id());
                        if (rowId >= 0) {
                            w.delete(rowId, row.id(), System.currentTimeMillis());
                        }
                    } else {
                        w.replicate(row.rowId(), row.id(), row.text(), row.metadataJson(), row.source(), row.chunk(),
                                row.createdAt(), row.updatedAt(), row.vector(), other -> touched.add(h.createQuery(
                                        "SELECT name FROM collections WHERE id = ?").bind(0, other).mapTo(String.class)
                                        .one()));
                    }
                    touched.add(row.collection());
                }
                for (ChangeBatch.EntityChange e : batch.entities()) {
                    RecordWriter memories = null;
                    if (EntityRows.MEMORY.equals(e.entity())) {
                        Long id = ids.get(dev.litemem.memory.Memory.COLLECTION);
                        if (id == null) {
                            throw new LiteMemException("a change of a memory came without the memory collection's"
                                    + " definition: the feed is malformed");
                        }
                        memories = writers.computeIfAbsent(id, c -> new RecordWriter(h, c, null, true));
                        touched.add(dev.litemem.memory.Memory.COLLECTION);
                    }
                    EntityRows.apply(h.getConnection(), e.entity(), e.key(), e.rowId(), e.deleted() ? null
                            : new EntityRows.Row(e.rowsJson(), e.vector(), e.rowId()), memories,
                            other -> touched.add(h.createQuery("SELECT name FROM collections WHERE id = ?")
                                    .bind(0, other).mapTo(String.class).one()));
                }
            } catch (SQLException e) {
                throw new LiteMemException("applying a change batch failed: " + e.getMessage(), e);
            } finally {
                for (RecordWriter w : writers.values()) {
                    w.close();
                }
            }
            LedgerRows.setMeta(h, ReplicaMeta.POSITION, Long.toString(batch.position()));
            LedgerRows.setMeta(h, ReplicaMeta.SYNCED_AT, Long.toString(System.currentTimeMillis()));
            return null;
        });
        touched.forEach(written);
    }

    private static long ensureCollection(Handle h, ChangeBatch.CollectionDef def) {
        CollectionSpec spec = new CollectionSpec(def.model(), def.dimension(), Metric.fromId(def.metric()),
                new HnswParams(def.hnswM(), def.hnswEfConstruction(), def.hnswEfSearch()));
        Optional<CollectionInfo> found = CollectionRows.find(h, def.name());
        if (found.isEmpty()) {
            CollectionRows.insert(h, def.name(), spec);
        } else if (!found.get().spec().sameVectorSpace(spec)) {
            throw new ChangesGoneException("collection '" + def.name() + "' has another vector space on the primary"
                    + " than in this replica: start again from a snapshot", 0, def.name());
        }
        return CollectionRows.id(h, def.name());
    }
}
