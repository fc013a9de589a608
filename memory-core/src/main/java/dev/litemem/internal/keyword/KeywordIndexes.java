package dev.litemem.internal.keyword;

import dev.litemem.LiteMemException;
import dev.litemem.internal.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open file's in-memory keyword index ({@link KeywordIndex}): built in the background on the shared maintenance
 * pool once a search finds FTS5 holding at least {@link #MIN_ROWS} rows, used by a search only when it is exactly FTS5's
 * index at the search's own read snapshot, and otherwise ignored (the search runs on FTS5, as without it) and rebuilt.
 *
 * <p>Current, always: a search reads FTS5's averages and structure records in its read transaction (one indexed read)
 * and uses the index only when both equal the records it was built from. FTS5 rewrites its structure record at every
 * commit that changes the table (the pending terms become a new segment, the record's write counter grows), whatever
 * wrote it (this process through any path, another process, a replica apply, a restore through SQLite); a merge rewrites
 * it without a content change, which only costs a rebuild. Uncommitted changes of the caller's own transaction sit in
 * FTS5's pending terms until the commit, not in a segment, so a search inside a transaction never uses the index (the
 * caller checks that).
 *
 * <p>Memory: the indexes of all open files share a budget ({@link #BUDGET}); a build that does not fit is dropped
 * (searches stay on FTS5). About 25 MB per 100,000 rows of short texts (see docs/ARCHITECTURE.md). Released when the
 * file closes. A rebuild starts no sooner than {@link #REBUILD_SPACING} times the last build's duration after it
 * ended, so a file written all the time costs at most about a tenth of a maintenance thread.
 */
public final class KeywordIndexes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeywordIndexes.class);
    /** -Dlitemem.keyword.index=false: never built, every search on FTS5 (for comparisons). */
    static final boolean ENABLED = !"false".equals(System.getProperty("litemem.keyword.index"));
    /** Below this many rows FTS5 alone is fast enough; -Dlitemem.keyword.indexMinRows=N sets it (0: always). */
    public static final long MIN_ROWS = Long.getLong("litemem.keyword.indexMinRows", 10_000);
    private static volatile long minRows = MIN_ROWS;
    /** Heap for the in-memory keyword indexes of all open files; -Dlitemem.keyword.indexBudgetMb=N sets it. */
    static final long BUDGET = Long.getLong("litemem.keyword.indexBudgetMb", 512) << 20;
    static final int REBUILD_SPACING = 10;
    /** A rebuild is scheduled once a catch-up holds a hundredth of the rows (at least 500). */
    static final int REBUILD_AT_DIVISOR = 100;
    static final int REBUILD_AT_MIN = 500;
    private static final AtomicLong USED = new AtomicLong();
    private static final String RECORDS = "SELECT id, block FROM records_fts_data WHERE id IN (1, 10)";

    private final Database db;
    private volatile KeywordIndex current;
    private volatile Overlay overlay;
    private boolean scheduled;
    private boolean closed;
    private long nextBuildAt = System.nanoTime();
    /** The structure record of a snapshot whose build failed or did not fit: not tried again until it changes. */
    private byte[] failedAt;
    private int builds;

    private KeywordIndexes(Database db) {
        this.db = db;
    }

    /** The file's keyword index holder (created on first use, closed with the file). */
    public static KeywordIndexes of(Database db) {
        return db.attachment(KeywordIndexes.class, () -> new KeywordIndexes(db));
    }

    /**
     * The index as FTS5's is at {@code h}'s snapshot (as built, or caught up from the change log), else null (then a
     * build is scheduled when the table is large enough). The caller runs one read transaction on {@code h} that it began itself (no uncommitted change of
     * its own), and does all its reads for the search in it.
     */
    public KeywordView current(Handle h) {
        if (!ENABLED) {
            return null;
        }
        byte[][] records;
        try {
            records = read(db.prepared(h, RECORDS));
        } catch (SQLException e) {
            throw new LiteMemException("SQLite failed while reading the keyword index's records: " + e.getMessage(), e);
        }
        if (records == null) {
            return null;
        }
        KeywordIndex index = current;
        if (index != null) {
            if (index.matches(records[0], records[1])) {
                return new KeywordView(index, null);
            }
            KeywordView view = caughtUp(h, index, records);
            if (view != null) {
                return view;
            }
        }
        long[] totals = KeywordIndex.varints(records[0]);
        if (totals.length > 0 && totals[0] >= Math.max(1, minRows)) {
            schedule(records[1]);
        }
        return null;
    }

    /**
     * The index caught up to {@code h}'s snapshot from the change log ({@link Overlay}), reusing the last catch-up
     * when FTS5 is as it saw it; null when it cannot be (then a rebuild is scheduled). Once a hundredth of the rows
     * changed, a rebuild is scheduled while the catch-up goes on serving.
     */
    private KeywordView caughtUp(Handle h, KeywordIndex index, byte[][] records) {
        Overlay last = overlay;
        if (last != null && last.base == index && last.matches(records[0], records[1])) {
            return new KeywordView(index, last);
        }
        Overlay fresh;
        try {
            fresh = Overlay.of(h, index, last != null && last.base == index ? last : null, records, limit(index));
        } catch (SQLException e) {
            throw new LiteMemException("SQLite failed while catching up the keyword index: " + e.getMessage(), e);
        }
        if (fresh == null) {
            schedule(records[1]);
            return null;
        }
        synchronized (this) {
            Overlay now = overlay;
            if (now == null || now.base != index || now.seq <= fresh.seq) {
                overlay = fresh;
            }
        }
        if (fresh.size() >= Math.max(REBUILD_AT_MIN, index.rows() / REBUILD_AT_DIVISOR)) {
            schedule(records[1]);
        }
        return new KeywordView(index, fresh);
    }

    /** Most changed rows a catch-up applies: a tenth of the rows (at least 2,000); past it, searches use FTS5. */
    private static int limit(KeywordIndex index) {
        return (int) Math.max(2_000, index.rows() / 10);
    }

    /** Sets the row threshold of every file (tests and benchmarks: 0 builds an index for any file); the old one. */
    public static long minRows(long rows) {
        long old = minRows;
        minRows = rows;
        return old;
    }

    /** Builds done (for tests and benchmarks). */
    public synchronized int builds() {
        return builds;
    }

    /** Waits until {@code count} builds are done, at most {@code timeout}; whether they are. */
    public synchronized boolean awaitBuilds(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (builds < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Whether an index is held (current or not). */
    public boolean built() {
        return current != null;
    }

    private synchronized void schedule(byte[] structure) {
        if (scheduled || closed || Arrays.equals(structure, failedAt)) {
            return;
        }
        long delay = Math.max(0, nextBuildAt - System.nanoTime());
        scheduled = db.maintenance().schedule(this::build, Duration.ofNanos(delay)) != null;
    }

    private void build() {
        long started = System.nanoTime();
        KeywordIndex built = null;
        byte[][] at = null;
        try {
            Object[] result = db.readOnly(h -> {
                h.execute("BEGIN");
                try (PreparedStatement statement = h.getConnection().prepareStatement(RECORDS)) {
                    byte[][] records = read(statement);
                    return new Object[] {records, records == null ? null : KeywordIndex.build(h, records)};
                } catch (SQLException e) {
                    throw new LiteMemException("SQLite failed while building the keyword index: " + e.getMessage(), e);
                } finally {
                    h.execute("COMMIT");
                }
            });
            at = (byte[][]) result[0];
            built = (KeywordIndex) result[1];
        } finally {
            synchronized (this) {
                scheduled = false;
                long ended = System.nanoTime();
                nextBuildAt = ended + REBUILD_SPACING * (ended - started);
                if (built == null && at != null) {
                    failedAt = at[1];
                }
            }
        }
        if (built == null) {
            LOG.warn("The in-memory keyword index of {} was not built: FTS5's records do not add up; searches use FTS5",
                    db.file().getFileName());
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            long old = current == null ? 0 : current.bytes();
            if (USED.get() - old + built.bytes() > BUDGET) {
                failedAt = at[1];
                LOG.info("The in-memory keyword index of {} ({} MB) does not fit the budget ({} MB in use of {}); searches"
                        + " use FTS5", db.file().getFileName(), built.bytes() >> 20, USED.get() >> 20, BUDGET >> 20);
                return;
            }
            USED.addAndGet(built.bytes() - old);
            current = built;
            overlay = null;
            builds++;
            notifyAll();
        }
        LOG.debug("Keyword index of {} built: {} rows, {} terms, about {} MB, {} ms", db.file().getFileName(), built.rows(),
                built.terms(), built.bytes() >> 20, (System.nanoTime() - started) / 1_000_000);
    }

    /** FTS5's averages and structure records, or null when the table has none (never written). */
    static byte[][] read(PreparedStatement statement) throws SQLException {
        byte[] averages = null;
        byte[] structure = null;
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                if (rs.getLong(1) == 1) {
                    averages = rs.getBytes(2);
                } else {
                    structure = rs.getBytes(2);
                }
            }
        }
        return averages == null || structure == null ? null : new byte[][] {averages, structure};
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (current != null) {
            USED.addAndGet(-current.bytes());
            current = null;
            overlay = null;
        }
    }
}
