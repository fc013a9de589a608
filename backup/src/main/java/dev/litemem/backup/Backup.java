package dev.litemem.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.litemem.LiteMem;
import dev.litemem.RowHashes;
import dev.litemem.changes.RowImages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One backup pass of one tenant file (docs/OPERATIONS.md, "Backup and restore"): turns on the file's change images,
 * holds the change log with a registered consumer, takes a base snapshot when the chain cannot go on (first run, a
 * new incarnation, entries pruned or written without images), then writes the entries since the chain's end as
 * segments, each followed by a new manifest, and moves the consumer to what the manifest now covers. A pass killed
 * at any point leaves the last manifest and every object it names intact, plus at most unreferenced objects that the
 * next pass deletes. One pass at a time per tenant and destination.
 */
public final class Backup {
    /** Entries per segment at most. */
    static final int SEGMENT_ENTRIES = 5_000;
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    static final ObjectMapper JSON = new ObjectMapper();
    /** The state hash version this backup writes: every row ({@link RowImages}). */
    static final int HASH = RowImages.HASH_VERSION;

    /**
     * What a pass did.
     *
     * @param imagesTurnedOn whether this pass turned on the file's change images ({@link LiteMem#keepChangeImages})
     * @param newBase        the base snapshot taken now, or null
     * @param position       the sequence number the tenant's backup now reaches
     * @param bytes          bytes written (base and segments)
     */
    public record Result(String tenant, boolean imagesTurnedOn, Manifest.Base newBase, int segments, long entries,
                         long bytes, long position, long millis, int deletedObjects) {
    }

    /**
     * How often to take a new base and which bases to keep.
     *
     * @param baseEvery take a new base when the newest of this incarnation is at least this old (null: only when the
     *                  chain cannot go on). A restore replays at most what was written since its base, so this bounds
     *                  restore time; each base costs a full copy of the file in DEST
     * @param keepBases keep at most this many bases (the newest), at least 1
     * @param keepFor   also delete bases older than this (null: no age limit); the newest base is always kept
     */
    public record Options(Duration baseEvery, int keepBases, Duration keepFor) {
        public Options {
            if (keepBases < 1) {
                throw new BackupException("keep at least 1 base (--keep " + keepBases + ")");
            }
        }

        /** A new base every day, the newest 7 kept. */
        public static Options defaults() {
            return new Options(Duration.ofDays(1), 7, null);
        }
    }

    private Backup() {
    }

    /** The change-log consumer name a backup to {@code store} registers in each file it backs up. */
    public static String consumerName(BlobStore store) {
        byte[] h = Segment.sha256(store.describe().getBytes(StandardCharsets.UTF_8),
                store.describe().getBytes(StandardCharsets.UTF_8).length);
        return "backup:" + HexFormat.of().formatHex(h, 0, 8);
    }

    static void checkTenant(String tenant) {
        if (tenant == null || !TENANT.matcher(tenant).matches()) {
            throw new BackupException("'" + tenant + "' cannot name a tenant in a backup: use 1 to 128 letters, digits,"
                    + " '.', '_' or '-', starting with a letter or digit (with --db, rename the file)");
        }
    }

    /** Backs {@code mem} up as {@code tenant} into {@code store}: one incremental pass with the default options. */
    public static Result run(LiteMem mem, String tenant, BlobStore store) {
        return run(mem, tenant, store, Options.defaults());
    }

    /**
     * Backs {@code mem} up as {@code tenant} into {@code store}: one incremental pass, a new base when due, then
     * retention (the manifest without the expired bases and the segments only they needed, then their objects).
     */
    public static Result run(LiteMem mem, String tenant, BlobStore store, Options options) {
        checkTenant(tenant);
        long started = System.nanoTime();
        boolean turnedOn = !mem.keepsChangeImages();
        // Always: also re-creates the row-image triggers of tables that changed shape (then the chain needs a new base).
        mem.keepChangeImages(true);
        String consumer = consumerName(store);
        Manifest manifest = Manifest.read(store, tenant).orElse(Manifest.empty(tenant));
        int deleted = collectGarbage(store, manifest);
        String incarnation = mem.incarnation();
        List<Manifest.Base> bases = new ArrayList<>(manifest.bases());
        List<Manifest.SegmentRef> segments = new ArrayList<>(manifest.segments());

        Chain chain = chainEnd(bases, segments, incarnation);
        if (chain != null && options.baseEvery() != null && newestBaseAge(bases, incarnation)
                .compareTo(options.baseEvery()) >= 0) {
            chain = null; // due: the pass starts from a new base (the old chain stays for restores before it)
        }
        // Hold the log from here on: pruning keeps every entry after this position until the consumer moves.
        mem.registerChangeLogConsumer(consumer, chain == null ? mem.lastSequence() : chain.position, true);
        Manifest.Base newBase = null;
        long bytes = 0;
        int written = 0;
        long entries = 0;
        while (true) {
            if (chain == null) {
                newBase = takeBase(mem, tenant, store, incarnation);
                bases.add(newBase);
                manifest = manifest.with(bases, segments);
                manifest.write(store);
                mem.registerChangeLogConsumer(consumer, newBase.seq(), true);
                bytes += newBase.bytes();
                chain = new Chain(newBase.seq(), StateHash.ofHex(newBase.state()), newBase.schema());
            }
            Batch batch = readBatch(mem, chain.position, chain.schema);
            if (batch.needsBase) {
                if (newBase != null && chain.position == newBase.seq()) {
                    throw new BackupException("the change log of " + tenant + " cannot follow the base just taken at"
                            + " seq " + newBase.seq() + ": check the file with 'litemem check'");
                }
                chain = null;
                continue;
            }
            if (batch.entries.isEmpty()) {
                break;
            }
            StateHash state = chain.state;
            for (SegmentEntry e : batch.entries) {
                state = apply(HASH, state, e, batch.collections);
            }
            long to = batch.entries.get(batch.entries.size() - 1).seq();
            Segment segment = new Segment(chain.position, to, incarnation, batch.entries, batch.collections);
            byte[] encoded = segment.encode();
            String sha = HexFormat.of().formatHex(Segment.sha256(encoded, encoded.length));
            String key = String.format("%s/log/%020d-%020d-%s.seg", tenant, chain.position, to, sha);
            store.put(key, encoded);
            segments.add(new Manifest.SegmentRef(chain.position, to, incarnation, key, sha, encoded.length,
                    batch.entries.size(), batch.entries.get(0).at(), batch.entries.get(batch.entries.size() - 1).at(),
                    state.hex(), HASH, batch.schema));
            manifest = manifest.with(bases, segments);
            manifest.write(store);
            // Acknowledged only now that the manifest names the segment: a crash before it re-reads these entries.
            mem.registerChangeLogConsumer(consumer, to, true);
            bytes += encoded.length;
            written++;
            entries += batch.entries.size();
            chain = new Chain(to, state, batch.schema);
        }
        deleted += retain(store, manifest, options);
        return new Result(tenant, turnedOn, newBase, written, entries, bytes, chain.position,
                (System.nanoTime() - started) / 1_000_000, deleted);
    }

    private static Duration newestBaseAge(List<Manifest.Base> bases, String incarnation) {
        long newest = bases.stream().filter(b -> b.incarnation().equals(incarnation)).mapToLong(Manifest.Base::at).max()
                .orElse(0);
        return Duration.ofMillis(Math.max(0, System.currentTimeMillis() - newest));
    }

    /**
     * Drops the bases beyond {@code keepBases} or older than {@code keepFor} (never the newest) and the segments no
     * kept base's chain needs: writes the manifest without them first, then deletes their objects, so a kill in
     * between leaves only unreferenced objects. Returns how many objects it deleted.
     */
    static int retain(BlobStore store, Manifest manifest, Options options) {
        List<Manifest.Base> byAge = new ArrayList<>(manifest.bases());
        byAge.sort((a, b) -> Long.compare(b.at(), a.at()));
        long now = System.currentTimeMillis();
        List<Manifest.Base> kept = new ArrayList<>();
        for (int i = 0; i < byAge.size(); i++) {
            Manifest.Base b = byAge.get(i);
            boolean tooOld = options.keepFor() != null && now - b.at() > options.keepFor().toMillis();
            if (i == 0 || i < options.keepBases() && !tooOld) {
                kept.add(b);
            }
        }
        if (kept.size() == byAge.size()) {
            return 0;
        }
        List<Manifest.SegmentRef> keptSegments = new ArrayList<>();
        for (Manifest.SegmentRef s : manifest.segments()) {
            boolean needed = kept.stream().anyMatch(b -> b.incarnation().equals(s.incarnation()) && s.to() > b.seq());
            if (needed) {
                keptSegments.add(s);
            }
        }
        List<Manifest.Base> keptInOrder = manifest.bases().stream().filter(kept::contains).toList();
        Manifest next = manifest.with(keptInOrder, keptSegments);
        next.write(store);
        int n = 0;
        for (Manifest.Base b : manifest.bases()) {
            if (!kept.contains(b)) {
                store.delete(b.key());
                n++;
            }
        }
        for (Manifest.SegmentRef s : manifest.segments()) {
            if (!keptSegments.contains(s)) {
                store.delete(s.key());
                n++;
            }
        }
        return n;
    }

    private record Chain(long position, StateHash state, String schema) {
    }

    /**
     * Where the newest base of this incarnation and the segments after it without a gap end, or null for none (also
     * when that base has an older state hash: a chain is continued only with the hash it started with).
     */
    private static Chain chainEnd(List<Manifest.Base> bases, List<Manifest.SegmentRef> segments, String incarnation) {
        Manifest.Base newest = null;
        for (Manifest.Base b : bases) {
            if (b.incarnation().equals(incarnation) && (newest == null || b.seq() >= newest.seq())) {
                newest = b;
            }
        }
        if (newest == null || newest.hashVersion() != HASH) {
            return null;
        }
        Chain chain = new Chain(newest.seq(), StateHash.ofHex(newest.state()), newest.schema());
        for (Manifest.SegmentRef s : segments) {
            if (s.incarnation().equals(incarnation) && s.from() == chain.position) {
                chain = new Chain(s.to(), StateHash.ofHex(s.state()), s.schema());
            }
        }
        return chain;
    }

    /**
     * The state after one entry. Version 2: a row image moves it by its row before and after (every table that holds
     * data); other entries are logged beside their row images and do not count. Version 1: only records of users'
     * collections count (see {@link #counts}), by the entry's RowHash v1 hashes.
     */
    static StateHash apply(int hashVersion, StateHash state, SegmentEntry e, Map<Long, String> collections) {
        if (hashVersion >= 2) {
            if (!RowImages.isRowImage(e.entity())) {
                return state;
            }
            RowImages.Image image = RowImages.parse(e.image());
            if (image.before() != null) {
                state = state.minus(RowImages.rowHash(e.key(), image.columns(), image.before()));
            }
            if (image.after() != null) {
                state = state.plus(RowImages.rowHash(e.key(), image.columns(), image.after()));
            }
            return state;
        }
        if (!counts(e, collections)) {
            return state;
        }
        return state.minus(e.before()).plus(e.after());
    }

    /** Whether an entry is a record of a user's collection (reserved collections start with '_'): what restore replays. */
    static boolean counts(SegmentEntry e, Map<Long, String> collections) {
        if (!e.isRecord() || e.collectionId() == null) {
            return false;
        }
        String def = collections.get(e.collectionId());
        return def != null && !collectionName(def).startsWith("_");
    }

    static String collectionName(String definitionJson) {
        try {
            return JSON.readTree(definitionJson).path("name").asText("");
        } catch (IOException e) {
            throw new BackupException("a collection definition in a segment is not JSON: the backup is damaged", e);
        }
    }

    private record Batch(List<SegmentEntry> entries, Map<Long, String> collections, boolean needsBase, String schema) {
    }

    /**
     * The next entries after {@code position}, in one read transaction; needsBase when they cannot follow it: entries
     * gone or without images, or a schema fingerprint other than the chain's (a table changed shape, or row images
     * were off for a while: entries since the chain's end may miss rows or columns).
     */
    private static Batch readBatch(LiteMem mem, long position, String schema) {
        try {
            return mem.<Batch, SQLException>withReadHandle(h -> readBatch(h.getConnection(), position, schema));
        } catch (SQLException e) {
            throw new BackupException("cannot read the change log: " + e.getMessage(), e);
        }
    }

    private static Batch readBatch(Connection c, long position, String chainSchema) throws SQLException {
        {
            String schema = RowImages.schemaFingerprint(c);
            if (!schema.equals(chainSchema)) {
                return new Batch(List.of(), Map.of(), true, schema);
            }
            long pruned = 0;
            try (PreparedStatement s = c.prepareStatement("SELECT value FROM meta WHERE key = 'changelog.pruned_through'");
                 ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    pruned = Long.parseLong(rs.getString(1));
                }
            }
            List<SegmentEntry> entries = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT seq, at, entity, collection_id, record_id, row_id, op,"
                    + " actor, on_behalf_of, model, authority, request_id, before_sha256, after_sha256, image,"
                    + " image_vector FROM changes WHERE seq > ? ORDER BY seq LIMIT ?")) {
                s.setLong(1, position);
                s.setInt(2, SEGMENT_ENTRIES);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        entries.add(new SegmentEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), optLong(rs, 4),
                                rs.getString(5), optLong(rs, 6), rs.getString(7), rs.getString(8), rs.getString(9),
                                rs.getString(10), rs.getString(11), rs.getString(12), rs.getBytes(13), rs.getBytes(14),
                                rs.getString(15), rs.getBytes(16)));
                    }
                }
            }
            if (entries.isEmpty()) {
                return new Batch(entries, Map.of(), pruned > position, schema);
            }
            long expected = position + 1;
            Set<Long> ids = new HashSet<>();
            for (SegmentEntry e : entries) {
                // Seqs above the pruning mark are consecutive (a rolled-back write gives its seq back): a gap means
                // entries this chain needs are gone. A time without row images shows in the schema fingerprint.
                if (e.seq() != expected++) {
                    return new Batch(List.of(), Map.of(), true, schema);
                }
                if (e.collectionId() != null) {
                    ids.add(e.collectionId());
                }
            }
            Map<Long, String> collections = new LinkedHashMap<>();
            for (long id : ids) {
                collections.put(id, collectionRow(c, id));
            }
            return new Batch(entries, collections, false, schema);
        }
    }

    private static Long optLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    /** A {@code collections} row as a JSON object of its columns, so that a restore can create it as it was. */
    static String collectionRow(Connection c, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT * FROM collections WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return "{\"id\":" + id + ",\"name\":\"_gone\"}";
                }
                ResultSetMetaData md = rs.getMetaData();
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnName(i), rs.getObject(i));
                }
                return JSON.writeValueAsString(row);
            } catch (IOException e) {
                throw new BackupException("cannot write a collection's definition: " + e.getMessage(), e);
            }
        }
    }

    /** Exports the file, reads the seq it is consistent at and its records' state, and uploads it as a base. */
    private static Manifest.Base takeBase(LiteMem mem, String tenant, BlobStore store, String incarnation) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("litemem-backup-");
            Path copy = dir.resolve(tenant + ".db");
            long at = System.currentTimeMillis();
            long size = mem.exportTo(copy);
            long seq;
            StateHash state;
            String schema;
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy)) {
                seq = lastSequence(c);
                state = stateOf(c);
                schema = RowImages.schemaFingerprint(c);
            }
            String sha = sha256(copy);
            String key = String.format("%s/base/%020d-%s.db", tenant, seq, sha);
            store.put(key, copy);
            return new Manifest.Base(seq, at, incarnation, key, sha, size, state.hex(), HASH, schema);
        } catch (IOException | SQLException e) {
            throw new BackupException("cannot take a base snapshot of " + tenant + " (" + e.getMessage() + "): check"
                    + " that the temporary folder (java.io.tmpdir) has room for a copy of the file", e);
        } finally {
            deleteTree(dir);
        }
    }

    static long lastSequence(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT coalesce(max(seq), 0) FROM changes");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The state hash (version 2) of a file: the sum of the row hashes of every row of every table that holds data
     * ({@link RowImages#scan}).
     */
    static StateHash stateOf(Connection c) throws SQLException {
        StateHash[] state = {StateHash.EMPTY};
        RowImages.scan(c, (table, hash) -> state[0] = state[0].plus(hash));
        return state[0];
    }

    /** The state hash of version 1: every record of a user's collection, by {@link RowHashes#ofRecordRow}. */
    static StateHash recordStateOf(Connection c) throws SQLException {
        StateHash state = StateHash.EMPTY;
        try (PreparedStatement s = c.prepareStatement("SELECT r.id, r.text, r.metadata, r.source, r.chunk,"
                + " r.created_at, r.updated_at, r.embedding FROM records r JOIN collections k ON k.id = r.collection_id"
                + " WHERE substr(k.name, 1, 1) <> '_'");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                int chunk = rs.getInt(5);
                Integer chunkOrNull = rs.wasNull() ? null : chunk;
                state = state.plus(RowHashes.ofRecordRow(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), chunkOrNull, rs.getLong(6), rs.getLong(7), rs.getBytes(8)));
            }
        }
        return state;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /** Deletes the tenant's objects no manifest names (left by a killed pass) and, in a directory, its temp files. */
    static int collectGarbage(BlobStore store, Manifest manifest) {
        Set<String> referenced = new HashSet<>();
        manifest.bases().forEach(b -> referenced.add(b.key()));
        manifest.segments().forEach(s -> referenced.add(s.key()));
        int n = 0;
        for (String prefix : List.of(manifest.tenant() + "/base/", manifest.tenant() + "/log/")) {
            for (String key : store.list(prefix)) {
                if (!referenced.contains(key)) {
                    store.delete(key);
                    n++;
                }
            }
        }
        if (store instanceof DirectoryBlobStore dir) {
            n += dir.deleteTempFiles(manifest.tenant());
        }
        return n;
    }

    static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temp folder left behind is harmless; the backup's own outcome is what the caller needs.
        }
    }
}
