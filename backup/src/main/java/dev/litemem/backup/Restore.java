package dev.litemem.backup;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.litemem.LiteMem;
import dev.litemem.changes.RowImages;
import dev.litemem.internal.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Rebuilds a tenant's file as it was at a sequence number or a time (docs/OPERATIONS.md, "Backup and restore"): the
 * newest base at or before the point, then the row images up to it in order (every table that holds data), into a
 * temp file beside the target; a new incarnation; then verification (SQLite's integrity_check, and the state hash of
 * every restored row equal to the manifest's at that point) and only then a rename into place. A restore killed at any
 * moment leaves the target as it was (and at most a temp file {@code .NAME.restore-*}, removed by the next restore to
 * that target). A base written with state hash version 1 (a format 1 manifest) is restored as that version did:
 * records, memories and work state replayed from their entity images, the records verified.
 */
public final class Restore {
    private static final JsonFactory JSON_FACTORY = new JsonFactory();
    /**
     * Tables whose row images a restore leaves out: empty, always, but for the test that proves every table's replay
     * matters (a restore without any one of them must fail its verification).
     */
    static volatile Set<String> skippedTables = Set.of();

    /**
     * What a restore did.
     *
     * @param seq            the sequence number the file was restored to
     * @param baseSeq        the base it started from
     * @param applied        changes applied after the base (row images; with hash version 1, record, memory and
     *                       work-state entries)
     * @param notReplayed    log entries between the base and the point that are not rows (ledger events: the
     *                       restored file's log counts as pruned to the point); with hash version 1 also the changes of
     *                       tables it does not replay, which are then as of the base
     * @param incarnation    the restored file's new incarnation
     * @param hashVersion    the state hash verified: 2 = every row of every table in {@code rows}; 1 = records of
     *                       users' collections only (a base written before format 2)
     * @param rows           rows per table covered by the verified hash (empty for version 1)
     */
    public record Result(String tenant, long seq, long baseSeq, long applied, long notReplayed, String incarnation,
                         String stateHash, long millis, int hashVersion, Map<String, Long> rows) {
    }

    private Restore() {
    }

    /**
     * Restores {@code tenant} from {@code store} to {@code target}, at sequence number {@code seq} or the newest
     * change at or before {@code time} (both null: the newest the backup has).
     *
     * @param force replace an existing target (only after the restored file passed verification)
     */
    public static Result run(BlobStore store, String tenant, Path target, Long seq, Instant time, boolean force) {
        Backup.checkTenant(tenant);
        long started = System.nanoTime();
        Path absolute = target.toAbsolutePath();
        if (Files.exists(absolute) && !force) {
            throw new BackupException(target + " already exists: choose another path, or add --force to replace it"
                    + " (it is replaced only after the restored file passed verification)");
        }
        Manifest manifest = Manifest.read(store, tenant).orElseThrow(() -> new BackupException("there is no backup of"
                + " tenant '" + tenant + "' in " + store.describe() + ": check the tenant's name and --from"));
        Plan plan = plan(manifest, seq, time, store);
        Path folder = absolute.getParent();
        deleteStaleTemps(folder, absolute.getFileName().toString());
        Path temp = folder.resolve("." + absolute.getFileName() + ".restore-" + UUID.randomUUID());
        try {
            store.download(plan.base.key(), temp);
            String sha = Backup.sha256(temp);
            if (!sha.equals(plan.base.sha256())) {
                throw new BackupException(plan.base.key() + " fails its checksum: the backup is damaged (restore to a"
                        + " point after a newer base, or from another copy)");
            }
            int version = plan.base.hashVersion();
            long[] counts = version >= 2 ? replayRows(temp, plan) : replay(temp, plan);
            String incarnation;
            try (LiteMem mem = LiteMem.open(temp)) {
                incarnation = mem.newIncarnation();
            }
            Map<String, Long> rows = new LinkedHashMap<>();
            StateHash restored = verify(temp, plan.expected, version, rows);
            DurableFiles.fsync(temp);
            if (Files.exists(absolute) && !force) {
                throw new BackupException(target + " appeared while restoring: it was left unchanged; restore again"
                        + " with --force to replace it");
            }
            // A write-ahead log of the file being replaced must not be applied to the restored one.
            Files.deleteIfExists(Path.of(absolute + "-wal"));
            Files.deleteIfExists(Path.of(absolute + "-shm"));
            DurableFiles.move(temp, absolute, true);
            DurableFiles.fsyncFolder(folder);
            return new Result(tenant, plan.seq, plan.base.seq(), counts[0], counts[1], incarnation, restored.hex(),
                    (System.nanoTime() - started) / 1_000_000, version, Map.copyOf(rows));
        } catch (IOException e) {
            throw new BackupException("cannot restore into " + folder + " (" + e + "): check that it is writable and"
                    + " has room for the file", e);
        } finally {
            deleteQuietly(temp);
        }
    }

    /** The base, the segments to read and the point: what a restore does before it touches any file. */
    private record Plan(long seq, Manifest.Base base, List<Segment> segments, StateHash expected) {
    }

    private static Plan plan(Manifest m, Long seq, Instant time, BlobStore store) {
        if (m.bases().isEmpty()) {
            throw new BackupException("the backup of '" + m.tenant() + "' has no base snapshot yet: run litemem backup");
        }
        List<Manifest.Base> candidates = new ArrayList<>(m.bases());
        // Newest first: by the time taken (incarnations differ in their seqs), then by seq.
        candidates.sort((a, b) -> a.at() != b.at() ? Long.compare(b.at(), a.at()) : Long.compare(b.seq(), a.seq()));
        String newestIncarnation = candidates.get(0).incarnation();
        for (Manifest.Base base : candidates) {
            if (time != null ? base.at() > time.toEpochMilli()
                    : !base.incarnation().equals(newestIncarnation) || (seq != null && base.seq() > seq)) {
                continue;
            }
            List<Manifest.SegmentRef> chain = m.chain(base.incarnation(), base.seq());
            long end = chain.isEmpty() ? base.seq() : chain.get(chain.size() - 1).to();
            if (seq != null && seq > end) {
                throw new BackupException("seq " + seq + " is beyond the backup of '" + m.tenant() + "', which reaches"
                        + " seq " + end + " (incarnation " + base.incarnation() + "): run litemem backup, or restore"
                        + " to seq " + end + " or earlier");
            }
            return walk(m, base, chain, seq, time, store);
        }
        long oldest = m.bases().stream().mapToLong(Manifest.Base::seq).min().orElse(0);
        long oldestAt = m.bases().stream().mapToLong(Manifest.Base::at).min().orElse(0);
        throw new BackupException(time != null
                ? time + " is before the oldest base of '" + m.tenant() + "' (" + Instant.ofEpochMilli(oldestAt)
                        + "): restore to a later time"
                : "seq " + seq + " is before the oldest base of '" + m.tenant() + "' (seq " + oldest + ") kept in this"
                        + " backup: restore to a later seq");
    }

    /** Reads and checks the chain's segments up to the point, with the state at each segment end. */
    private static Plan walk(Manifest m, Manifest.Base base, List<Manifest.SegmentRef> chain, Long seq, Instant time,
                             BlobStore store) {
        StateHash state = StateHash.ofHex(base.state());
        long point = base.seq();
        List<Segment> segments = new ArrayList<>();
        outer:
        for (Manifest.SegmentRef ref : chain) {
            if (seq != null && ref.from() >= seq || time != null && ref.firstAt() > time.toEpochMilli()) {
                break;
            }
            byte[] raw = store.get(ref.key()).orElseThrow(() -> new BackupException(ref.key() + " is named by the"
                    + " manifest but missing from " + store.describe() + ": the backup is damaged"));
            String sha = java.util.HexFormat.of().formatHex(Segment.sha256(raw, raw.length));
            if (!sha.equals(ref.sha256())) {
                throw new BackupException(ref.key() + " fails its checksum: the backup is damaged");
            }
            Segment segment = Segment.decode(raw, ref.key());
            if (segment.from() != ref.from() || segment.to() != ref.to()) {
                throw new BackupException(ref.key() + " does not hold the entries its manifest entry says: the backup"
                        + " is damaged");
            }
            segments.add(segment);
            long[] at = effectiveTimes(segment.entries());
            for (int i = 0; i < segment.entries().size(); i++) {
                SegmentEntry e = segment.entries().get(i);
                if (seq != null && e.seq() > seq || time != null && at[i] > time.toEpochMilli()) {
                    break outer;
                }
                state = Backup.apply(base.hashVersion(), state, e, segment.collections());
                point = e.seq();
            }
            if (!state.equals(StateHash.ofHex(ref.state()))) {
                throw new BackupException(ref.key() + " does not reach the state its manifest recorded at seq "
                        + ref.to() + ": the backup is damaged");
            }
        }
        return new Plan(point, base, segments, state);
    }

    /**
     * The time of each entry that a restore by time compares: its own, but for a row image the earlier of its own and
     * the next log entry's that is not a row image. A row image is stamped by SQLite when its statement runs, while the
     * entry its transaction logs next carries the time the writer took before the transaction: a row image at or after
     * that time belongs to that transaction and goes with it, never without it.
     */
    static long[] effectiveTimes(List<SegmentEntry> entries) {
        long[] at = new long[entries.size()];
        long next = Long.MAX_VALUE;
        for (int i = entries.size() - 1; i >= 0; i--) {
            SegmentEntry e = entries.get(i);
            if (RowImages.isRowImage(e.entity())) {
                at[i] = Math.min(e.at(), next);
            } else {
                at[i] = e.at();
                next = e.at();
            }
        }
        return at;
    }

    /**
     * Applies the plan's row images to the base copy in one transaction, with the file's own row triggers and foreign
     * keys off (the images already hold every row a statement, a trigger or a cascade changed); returns {applied,
     * ledger events}.
     */
    private static long[] replayRows(Path file, Plan plan) {
        long applied = 0;
        long events = 0;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA foreign_keys = OFF");
            }
            c.setAutoCommit(false);
            String images = null;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'change_images'")) {
                if (rs.next()) {
                    images = rs.getString(1);
                }
            }
            try (Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM meta WHERE key = 'change_images'");
            }
            try (RowImages.Applier applier = new RowImages.Applier(c)) {
                for (Segment segment : plan.segments) {
                    for (SegmentEntry e : segment.entries()) {
                        if (e.seq() > plan.seq) {
                            break;
                        }
                        if (RowImages.isRowImage(e.entity())) {
                            if (skippedTables.contains(e.key())) {
                                continue;
                            }
                            applier.apply(e.key(), RowImages.parse(e.image()));
                            applied++;
                        } else if ("event".equals(e.entity())) {
                            events++;
                        }
                    }
                }
            }
            if (images != null) {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO meta (key, value) VALUES ('change_images', ?)")) {
                    s.setString(1, images);
                    s.executeUpdate();
                }
            }
            resetLog(c, plan);
            c.commit();
        } catch (SQLException | dev.litemem.LiteMemException e) {
            throw new BackupException("cannot apply the backup's row images to the restored file: " + e.getMessage(), e);
        }
        return new long[] {applied, events};
    }

    /**
     * Hash version 1: applies the plan's record, memory and work-state changes to the base copy in one transaction;
     * returns {applied, not replayed}.
     */
    private static long[] replay(Path file, Plan plan) {
        long applied = 0;
        long other = 0;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            c.setAutoCommit(false);
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM records WHERE collection_id = ? AND id = ?");
                 PreparedStatement insert = c.prepareStatement("INSERT INTO records (row_id, collection_id, id, text,"
                         + " metadata, embedding, created_at, updated_at, source, chunk) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
                         + " ?, ?)")) {
                Set<Long> known = collectionIds(c);
                for (Segment segment : plan.segments) {
                    for (SegmentEntry e : segment.entries()) {
                        if (e.seq() > plan.seq) {
                            break;
                        }
                        if (dev.litemem.changes.EntityImages.replays(e.entity())) {
                            // Agent memory and work state: replayed from their images by the core's applier.
                            long memories = -1;
                            if (e.collectionId() != null) {
                                if (known.add(e.collectionId())) {
                                    createCollection(c, segment.collections().get(e.collectionId()));
                                }
                                memories = e.collectionId();
                            }
                            dev.litemem.changes.EntityImages.apply(c, memories, e.entity(), e.key(), e.rowId(),
                                    e.image(), e.vector(), e.actor());
                            applied++;
                            continue;
                        }
                        if (!Backup.counts(e, segment.collections())) {
                            other++;
                            continue;
                        }
                        if (known.add(e.collectionId())) {
                            createCollection(c, segment.collections().get(e.collectionId()));
                        }
                        delete.setLong(1, e.collectionId());
                        delete.setString(2, e.key());
                        delete.executeUpdate();
                        if (e.after() != null) {
                            insertRecord(insert, e);
                        }
                        applied++;
                    }
                }
            }
            resetLog(c, plan);
            c.commit();
        } catch (SQLException e) {
            throw new BackupException("cannot apply the backup's changes to the restored file: " + e.getMessage(), e);
        }
        return new long[] {applied, other};
    }

    /** What every restore does to the copy besides the rows: drops derived state, counts the log as pruned to the point. */
    private static void resetLog(Connection c, Plan plan) throws SQLException {
        try (Statement s = c.createStatement()) {
            // The base's index checkpoints do not know the replayed rows: the index is rebuilt from the rows.
            s.executeUpdate("DELETE FROM index_checkpoint_pages");
            s.executeUpdate("DELETE FROM index_checkpoints");
            // The source's readers of the log are not this file's; the log between the base and the point was
            // not copied, so it counts as pruned (readers start over from a snapshot, as for a new incarnation).
            s.executeUpdate("DELETE FROM changelog_consumers");
            s.executeUpdate("UPDATE sqlite_sequence SET seq = max(seq, " + plan.seq + ") WHERE name = 'changes'");
            s.executeUpdate("INSERT INTO sqlite_sequence (name, seq) SELECT 'changes', " + plan.seq
                    + " WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'changes')");
            s.executeUpdate("INSERT INTO meta (key, value) VALUES ('changelog.pruned_through', '" + plan.seq
                    + "') ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        }
    }

    private static Set<Long> collectionIds(Connection c) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM collections")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private static void createCollection(Connection c, String definition) throws SQLException {
        JsonNode row;
        try {
            row = Backup.JSON.readTree(definition);
        } catch (IOException e) {
            throw new BackupException("a collection definition in a segment is not JSON: the backup is damaged", e);
        }
        List<String> columns = new ArrayList<>();
        row.fieldNames().forEachRemaining(columns::add);
        String sql = "INSERT INTO collections (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", columns.stream().map(x -> "?").toList()) + ")";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < columns.size(); i++) {
                JsonNode v = row.get(columns.get(i));
                if (v.isNull()) {
                    s.setObject(i + 1, null);
                } else if (v.isIntegralNumber()) {
                    s.setLong(i + 1, v.asLong());
                } else if (v.isNumber()) {
                    s.setDouble(i + 1, v.asDouble());
                } else {
                    s.setString(i + 1, v.asText());
                }
            }
            s.executeUpdate();
        }
    }

    /** Inserts the record an after-image describes, its metadata exactly as the image holds it (no re-encoding). */
    private static void insertRecord(PreparedStatement insert, SegmentEntry e) throws SQLException {
        String image = e.image();
        String id = null;
        String text = null;
        String metadata = null;
        String source = null;
        Integer chunk = null;
        long created = 0;
        long updated = 0;
        try (JsonParser p = JSON_FACTORY.createParser(image)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BackupException("the image of change " + e.seq() + " is not a JSON object: the backup is"
                        + " damaged");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "id" -> id = p.getText();
                    case "text" -> text = t == JsonToken.VALUE_NULL ? null : p.getText();
                    case "metadata" -> {
                        int start = (int) p.currentTokenLocation().getCharOffset();
                        p.skipChildren();
                        int end = (int) p.currentLocation().getCharOffset();
                        metadata = image.substring(start, end);
                    }
                    case "source" -> source = t == JsonToken.VALUE_NULL ? null : p.getText();
                    case "chunk" -> chunk = t == JsonToken.VALUE_NULL ? null : p.getIntValue();
                    case "created_at" -> created = p.getLongValue();
                    case "updated_at" -> updated = p.getLongValue();
                    default -> p.skipChildren();
                }
            }
        } catch (IOException ex) {
            throw new BackupException("the image of change " + e.seq() + " is not readable JSON: the backup is damaged",
                    ex);
        }
        if (id == null || metadata == null) {
            throw new BackupException("the image of change " + e.seq() + " lacks its id or metadata: the backup is"
                    + " damaged");
        }
        if (e.rowId() == null) {
            insert.setNull(1, java.sql.Types.INTEGER);
        } else {
            insert.setLong(1, e.rowId());
        }
        insert.setLong(2, e.collectionId());
        insert.setString(3, id);
        insert.setString(4, text);
        insert.setString(5, metadata);
        insert.setBytes(6, e.vector());
        insert.setLong(7, created);
        insert.setLong(8, updated);
        insert.setString(9, source);
        if (chunk == null) {
            insert.setNull(10, java.sql.Types.INTEGER);
        } else {
            insert.setInt(10, chunk);
        }
        insert.executeUpdate();
    }

    /** integrity_check, then the restored file's state hash (of that version) against the expected one. */
    private static StateHash verify(Path file, StateHash expected, int version, Map<String, Long> rows) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            List<String> problems = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                while (rs.next()) {
                    problems.add(rs.getString(1));
                }
            }
            if (!problems.equals(List.of("ok"))) {
                throw new BackupException("the restored file fails SQLite's integrity check (" + problems.size()
                        + " problems, first: " + problems.get(0) + "): nothing was put in place; the backup's base may"
                        + " be damaged");
            }
            StateHash actual;
            if (version >= 2) {
                StateHash[] sum = {StateHash.EMPTY};
                rows.putAll(RowImages.scan(c, (table, hash) -> sum[0] = sum[0].plus(hash)));
                actual = sum[0];
            } else {
                actual = Backup.recordStateOf(c);
            }
            if (!actual.equals(expected)) {
                throw new BackupException("the restored file's " + (version >= 2 ? "rows" : "records") + " hash to "
                        + actual.hex() + ", but the backup recorded " + expected.hex() + " for that point: nothing was"
                        + " put in place; the backup is damaged or was written by an incompatible LiteMem");
            }
            return actual;
        } catch (SQLException e) {
            throw new BackupException("cannot verify the restored file: " + e.getMessage(), e);
        }
    }

    private static void deleteStaleTemps(Path folder, String name) {
        String prefix = "." + name + ".restore-";
        try (Stream<Path> files = Files.list(folder)) {
            for (Iterator<Path> it = files.iterator(); it.hasNext(); ) {
                Path p = it.next();
                if (p.getFileName().toString().startsWith(prefix)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new BackupException("cannot read the folder " + folder + " (" + e + "): check that it exists", e);
        }
    }

    private static void deleteQuietly(Path temp) {
        for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
            try {
                Files.deleteIfExists(Path.of(temp + suffix));
            } catch (IOException e) {
                // A left temp file is removed by the next restore to this target.
            }
        }
    }
}
