package dev.litemem.server.internal;

import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.internal.DurableFiles;
import dev.litemem.server.ServerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data folder's layout (docs/SERVER.md): the server's own files at the top ({@code admin.key},
 * {@code .server.lock}, {@code .exports/}, {@code .trash/}, {@code .quarantine/}) and every tenant's files in
 * {@code tenants/} ({@code NAME.key}, {@code NAME.db} and SQLite's side files), so no tenant name can reach a server
 * file. Everything is owner-only. {@link #open} prepares it under the server's lock: it moves a folder of the older,
 * flat layout into this one, finishes deletions a crash interrupted, and quarantines tenant files no key owns.
 */
public final class DataFolder {
    private static final Logger LOG = LoggerFactory.getLogger(DataFolder.class);
    static final String[] DB_SUFFIXES = {".db", ".db-wal", ".db-shm", ".db-journal"};
    /** A tenant's file: its name, then the kind (the key, its tmp file while written, the database and side files). */
    private static final Pattern TENANT_FILE = Pattern.compile("(" + TenantKeys.NAME.pattern() + ")(\\.key|\\.key\\.tmp|\\.db|\\.db-wal|\\.db-shm|\\.db-journal)");
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    private final Path root;
    private final Path tenants;
    private final Path exports;
    private final Path trash;
    private final Path quarantine;

    private DataFolder(Path root) {
        this.root = root;
        this.tenants = root.resolve("tenants");
        this.exports = root.resolve(".exports");
        this.trash = root.resolve(".trash");
        this.quarantine = root.resolve(".quarantine");
    }

    /**
     * Prepares the folder for serving. Call while holding {@link DataDirLock}: nothing else may touch it meanwhile.
     *
     * @param create how to create the stores of tenants migrated from the flat layout that had a key but no file yet
     */
    public static DataFolder open(Path root, LiteMemOptions create) {
        DataFolder f = new DataFolder(root);
        try {
            for (Path dir : new Path[] {root, f.tenants, f.exports, f.trash, f.quarantine}) {
                Files.createDirectories(dir);
                ownerOnly(dir, "rwx------");
            }
            f.migrateFlatLayout(create);
            f.finishDeletions();
            f.quarantineOrphans();
            f.emptyExports();
        } catch (IOException e) {
            throw new ServerException("cannot prepare the data folder " + root.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return f;
    }

    Path root() {
        return root;
    }

    public Path tenants() {
        return tenants;
    }

    Path exports() {
        return exports;
    }

    /** Where the admin key file is: beside the tenants folder, never in it. */
    public Path adminKeyFile() {
        return root.resolve(AdminKey.FILE);
    }

    // ---- the deletion protocol (see docs/SERVER.md): key into the trash first, then the data, then purge

    /** A new, empty, owner-only folder in the trash for the files of one deletion of {@code name}. */
    Path newTrashDir(String name) throws IOException {
        Path dir = trash.resolve(name + "-" + System.nanoTime());
        Files.createDirectory(dir);
        ownerOnly(dir, "rwx------");
        return dir;
    }

    /** Moves the tenant's database and its side files (whichever exist) into {@code dir}. */
    void moveDataFiles(String name, Path dir) throws IOException {
        for (String suffix : DB_SUFFIXES) {
            Path file = tenants.resolve(name + suffix);
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                move(file, dir.resolve(file.getFileName()));
            }
        }
        syncDirectory(tenants);
        syncDirectory(dir);
    }

    /** Removes a trash folder and everything in it. */
    void purge(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Moves database files of {@code name} that no key owns into the quarantine (kept, never deleted by the server),
     * so that a new tenant of that name never starts from them. Returns whether there were any.
     */
    boolean quarantineLeftovers(String name) throws IOException {
        List<Path> found = new ArrayList<>();
        for (String suffix : DB_SUFFIXES) {
            Path file = tenants.resolve(name + suffix);
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                found.add(file);
            }
        }
        if (found.isEmpty()) {
            return false;
        }
        Path dir = quarantine.resolve(name + "-" + Instant.now().toString().replace(':', '-') + "-" + System.nanoTime());
        Files.createDirectory(dir);
        ownerOnly(dir, "rwx------");
        for (Path file : found) {
            move(file, dir.resolve(file.getFileName()));
        }
        syncDirectory(tenants);
        LOG.warn("Moved {} file(s) of tenant name '{}' that no key owns into {}: a new tenant never starts from another's"
                + " data. Inspect or delete them.", found.size(), name, root.relativize(dir));
        return true;
    }

    /**
     * A new path in the owner-only export folder for one snapshot of {@code name}; the file does not exist yet
     * ({@code LiteMem.exportTo} creates it, refusing a path that exists). Leftovers are removed at the next start.
     */
    Path newExportPath(String name) {
        return exports.resolve(name + "-" + System.nanoTime() + ".db");
    }

    // ---- start-up

    /**
     * Moves a data folder of the older, flat layout (NAME.key and NAME.db beside admin.key) into tenants/. Crash-safe
     * by being idempotent: whatever is left at the top is moved at the next start. A tenant's key moves last, after its
     * data. An {@code admin.key} that holds a tenant key's hash (a tenant named "admin", created while the admin key came
     * from the environment) is that tenant's, not the server's, and moves too.
     */
    private void migrateFlatLayout(LiteMemOptions create) throws IOException {
        Map<String, List<Path>> byTenant = new TreeMap<>();
        try (DirectoryStream<Path> top = Files.newDirectoryStream(root)) {
            for (Path p : top) {
                Matcher m = TENANT_FILE.matcher(p.getFileName().toString());
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && m.matches()) {
                    if (p.getFileName().toString().equals(AdminKey.FILE) && !holdsTenantHash(p)) {
                        continue; // the server's own admin key
                    }
                    byTenant.computeIfAbsent(m.group(1), n -> new ArrayList<>()).add(p);
                }
            }
        }
        if (byTenant.isEmpty()) {
            return;
        }
        LOG.info("Moving the files of {} tenant(s) from the flat layout of {} into {}", byTenant.size(),
                root.toAbsolutePath(), tenants.toAbsolutePath());
        for (Map.Entry<String, List<Path>> t : byTenant.entrySet()) {
            String name = t.getKey();
            for (Path p : t.getValue()) {
                if (Files.exists(tenants.resolve(p.getFileName()), LinkOption.NOFOLLOW_LINKS)) {
                    throw new ServerException(409, "data-folder-conflict", "data", "both " + root.relativize(p) + " and tenants/"
                            + p.getFileName() + " exist in " + root.toAbsolutePath() + " (an older LiteMem server used the"
                            + " folder after it was migrated): move one of them out of the data folder, then start again");
                }
            }
            Path key = root.resolve(name + TenantKeys.KEY_SUFFIX);
            Path db = root.resolve(name + TenantKeys.DB_SUFFIX);
            if (Files.exists(key) && !Files.exists(db) && !Files.exists(tenants.resolve(db.getFileName()))) {
                // The older server created a tenant's file at its first request: a tenant never used has none yet.
                OwnerOnlyFiles.create(db);
                LiteMem.open(db, create).close();
            }
            for (String suffix : DB_SUFFIXES) {
                Path file = root.resolve(name + suffix);
                if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                    move(file, tenants.resolve(file.getFileName()));
                }
            }
            Files.deleteIfExists(root.resolve(name + TenantKeys.KEY_SUFFIX + ".tmp"));
            syncDirectory(tenants);
            if (Files.exists(key, LinkOption.NOFOLLOW_LINKS)) {
                move(key, tenants.resolve(key.getFileName()));
                syncDirectory(tenants);
            }
            if (name.equals("admin")) {
                LOG.warn("admin.key in {} held a tenant key's hash (a tenant named 'admin'): it moved to tenants/ and is"
                        + " no longer the admin key", root.toAbsolutePath());
            }
        }
        syncDirectory(root);
    }

    private static boolean holdsTenantHash(Path adminKey) throws IOException {
        return HASH.matcher(Files.readString(adminKey, StandardCharsets.US_ASCII).trim()).matches();
    }

    /**
     * Each folder in the trash is a deletion a crash interrupted after the tenant's key moved there: the tenant no
     * longer exists, so its data files still in tenants/ (unless a key owns them again) join it, then it is purged.
     */
    private void finishDeletions() throws IOException {
        List<Path> pending = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(trash)) {
            dirs.forEach(pending::add);
        }
        for (Path dir : pending) {
            String dirName = dir.getFileName().toString();
            int dash = dirName.lastIndexOf('-');
            String name = dash > 0 ? dirName.substring(0, dash) : dirName;
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && TenantKeys.NAME.matcher(name).matches()
                    && !Files.exists(tenants.resolve(name + TenantKeys.KEY_SUFFIX))) {
                moveDataFiles(name, dir);
            }
            purge(dir);
        }
        if (!pending.isEmpty()) {
            LOG.info("Finished {} tenant deletion(s) that a stop had interrupted", pending.size());
        }
    }

    /** Database files in tenants/ that no key owns (a creation a crash interrupted, or files put there by hand). */
    private void quarantineOrphans() throws IOException {
        Map<String, Boolean> hasKey = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tenants)) {
            for (Path p : files) {
                Matcher m = TENANT_FILE.matcher(p.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                if (m.group(2).equals(".key.tmp")) {
                    Files.delete(p); // a key being written when the server stopped: its tenant was never created
                    continue;
                }
                hasKey.merge(m.group(1), m.group(2).equals(TenantKeys.KEY_SUFFIX), Boolean::logicalOr);
            }
        }
        for (Map.Entry<String, Boolean> t : hasKey.entrySet()) {
            if (!t.getValue()) {
                quarantineLeftovers(t.getKey());
            } else if (!Files.exists(tenants.resolve(t.getKey() + TenantKeys.DB_SUFFIX))) {
                LOG.error("Tenant '{}' has a key but no database file in {}: its requests are refused until the file is"
                        + " restored from a backup (or the tenant deleted)", t.getKey(), tenants.toAbsolutePath());
            }
        }
    }

    private void emptyExports() throws IOException {
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(exports)) {
            for (Path p : leftovers) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    purge(p);
                } else {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    // ---- file-system helpers

    static void move(Path from, Path to) throws IOException {
        DurableFiles.move(from, to, false);
    }

    /** Makes the renames in a directory durable (a no-op where directories cannot be opened, as on Windows). */
    static void syncDirectory(Path dir) {
        try {
            DurableFiles.fsyncFolder(dir);
        } catch (IOException e) {
            // Best effort, as before: the renames themselves are done and atomic; a failing folder fsync only weakens
            // their survival of a power loss, which the operation's caller cannot do better about.
            LOG.warn("could not fsync the folder {}: {}", dir, e.toString());
        }
    }

    static void ownerOnly(Path path, String mode) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
        } catch (UnsupportedOperationException noPosix) {
            // Not a POSIX file system: its own access control applies.
        } catch (NoSuchFileException e) {
            // Gone meanwhile: nothing to protect.
        }
    }
}
