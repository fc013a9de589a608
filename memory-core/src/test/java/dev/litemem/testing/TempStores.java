package dev.litemem.testing;

import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;

/**
 * Temporary LiteMem stores that are checked when the test is over. Register it on a field:
 *
 * <pre>{@code
 * @RegisterExtension
 * final TempStores stores = new TempStores();
 *
 * @Test
 * void something() {
 *     try (LiteMem mem = stores.open("agent.db")) { ... }
 * }
 * }</pre>
 *
 * When each test ends (for a {@code static} field: when the class ends), after its {@code @AfterEach} methods:
 * <ol>
 *   <li>a store opened by {@link #open} and not closed fails the test (the extension closes it: the leak check);</li>
 *   <li>every SQLite file under {@link #dir()} (the stores, and whatever the code under test created there: a
 *       server's tenants, exports, copies) gets {@code PRAGMA integrity_check} and, when it has the keyword index,
 *       FTS5's {@code integrity-check} against the records table; any problem fails the test;</li>
 *   <li>a file whose write-ahead log is still there after the check's own connection closed is still held open by
 *       another connection (a store the code under test never closed), which fails the test too.</li>
 * </ol>
 * Then the folder is deleted, unless a check failed: it is kept for inspection and the message says where. Files a
 * test damages on purpose are left out with {@link #damaged(Path)}.
 */
public final class TempStores implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private final LiteMemOptions defaults;
    private final List<LiteMem> opened = new ArrayList<>();
    private final Set<Path> damaged = new HashSet<>();
    private boolean classScope;
    private Path dir;

    /** Stores opened with {@link #open(String)} embed with a {@link WordHashEmbedder}. */
    public TempStores() {
        this(LiteMemOptions.builder().embedder(new WordHashEmbedder()).build());
    }

    /** @param defaults the options of {@link #open(String)} */
    public TempStores(LiteMemOptions defaults) {
        this.defaults = defaults;
    }

    /** The test's own temporary folder. */
    public Path dir() {
        if (dir == null) {
            throw new IllegalStateException("TempStores is used outside a test: register it with @RegisterExtension");
        }
        return dir;
    }

    /** A path in {@link #dir()}, for code that opens the store itself; the file is checked like the others. */
    public Path path(String name) {
        return dir().resolve(name);
    }

    /** Opens (or creates) {@code name} in {@link #dir()} with the default options. */
    public LiteMem open(String name) {
        return open(name, defaults);
    }

    /** Opens (or creates) the store at {@code file} with the default options; it is leak-checked like the others. */
    public LiteMem open(Path file) {
        return open(file, defaults);
    }

    public LiteMem open(String name, LiteMemOptions options) {
        return track(LiteMem.open(path(name), options));
    }

    /** Opens a store at any path (for example a copy a test made); it is leak-checked like the others. */
    public LiteMem open(Path file, LiteMemOptions options) {
        return track(LiteMem.open(file, options));
    }

    /** Leaves {@code file} out of the integrity checks: the test damaged it on purpose. */
    public void damaged(Path file) {
        synchronized (opened) {
            damaged.add(file.toAbsolutePath().normalize());
        }
    }

    private LiteMem track(LiteMem mem) {
        synchronized (opened) {
            opened.removeIf(LiteMem::isClosed); // closed stores need no check, and would hold their indexes' memory
            opened.add(mem);
        }
        return mem;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        classScope = true;
        dir = Files.createTempDirectory("litemem-test-");
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        if (!classScope) {
            dir = Files.createTempDirectory("litemem-test-");
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (!classScope) {
            finish();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (classScope) {
            finish();
        }
    }

    private void finish() throws IOException {
        List<String> problems = new ArrayList<>();
        synchronized (opened) {
            for (LiteMem mem : opened) {
                if (!mem.isClosed()) {
                    problems.add(mem.path().getFileName() + " was opened and never closed (the test leaked the store)");
                    try {
                        mem.close();
                    } catch (RuntimeException e) {
                        problems.add(mem.path().getFileName() + " failed to close: " + e);
                    }
                }
            }
            opened.clear();
        }
        if (Files.isDirectory(dir)) {
            for (Path file : sqliteFiles(dir)) {
                problems.addAll(check(file));
            }
        }
        Path checked = dir;
        dir = null;
        damaged.clear();
        if (!problems.isEmpty()) {
            throw new AssertionFailedError("the stores of this test are not sound (kept in " + checked + "):\n  "
                    + String.join("\n  ", problems));
        }
        deleteTree(checked);
    }

    private List<Path> sqliteFiles(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isRegularFile(p) && !damaged.contains(p.toAbsolutePath().normalize()) && isSqlite(p)) {
                    files.add(p);
                }
            }
        }
        files.sort(Comparator.naturalOrder());
        return files;
    }

    private static boolean isSqlite(Path file) throws IOException {
        byte[] header = new byte[SQLITE_MAGIC.length];
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(header, 0, header.length) == header.length && Arrays.equals(header, SQLITE_MAGIC);
        }
    }

    /** Runs the checks on one file through a connection of its own; returns the problems found. */
    static List<String> check(Path file) {
        List<String> problems = new ArrayList<>();
        String name = file.getFileName().toString();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
             Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
            List<String> integrity = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("PRAGMA integrity_check(20)")) {
                while (rs.next()) {
                    integrity.add(rs.getString(1));
                }
            }
            if (!integrity.equals(List.of("ok"))) {
                problems.add(name + ": PRAGMA integrity_check says " + integrity);
            }
            boolean hasFts;
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_schema WHERE name = 'records_fts'")) {
                hasFts = rs.next() && rs.getInt(1) > 0;
            }
            if (hasFts) {
                try {
                    // rank 1: also compare the index with its external content, the records table.
                    s.execute("INSERT INTO records_fts (records_fts, rank) VALUES ('integrity-check', 1)");
                } catch (SQLException e) {
                    problems.add(name + ": the keyword index does not match the records (FTS5 integrity-check: "
                            + e.getMessage() + ")");
                }
            }
        } catch (SQLException e) {
            problems.add(name + ": cannot be checked: " + e.getMessage());
        }
        Path wal = file.resolveSibling(name + "-wal");
        if (problems.isEmpty() && Files.exists(wal)) {
            problems.add(name + " is still open: its write-ahead log outlived the check's own connection, so another"
                    + " connection holds the file (close every LiteMem, server and child process before the test ends)");
        }
        return problems;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
