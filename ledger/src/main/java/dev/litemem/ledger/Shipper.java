package dev.litemem.ledger;

import dev.litemem.Ledger;
import dev.litemem.LedgerEntry;
import dev.litemem.LiteMem;
import dev.litemem.OutboxStatus;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Drains a tenant file's outbox into {@code litemem.events}, exactly once and in order per (tenant, incarnation):
 * each batch's events and the move of the tenant's cursor commit in one PostgreSQL transaction, after checking (under
 * a row lock) that the cursor is still where the batch starts. A batch sent again, or by a second shipper, changes
 * nothing: the cursor check refuses it and {@code ON CONFLICT DO NOTHING} would ignore its rows anyway. The file's
 * own record of the position ({@link Ledger#shippedHint()}) is only a hint; the cursor is the truth.
 *
 * <p>One connection, opened on first use and again after a failure. Not thread-safe: one per worker thread.
 */
public final class Shipper implements AutoCloseable {
    /** Default events per PostgreSQL transaction. */
    public static final int DEFAULT_BATCH = 2_000;
    private static final Pattern NUL_ESCAPE = Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u0000");
    private static final String INSERT = "INSERT INTO litemem.events (tenant, incarnation, seq, time, actor, on_behalf_of,"
            + " model, authority, request_id, type, collection, record_id, op, payload, before_sha256, after_sha256)"
            + " SELECT ?, ?, u.seq, to_timestamp(u.at / 1000.0), u.actor, u.on_behalf_of, u.model, u.authority,"
            + " u.request_id, u.type, u.collection, u.record_id, u.op, u.payload::jsonb, decode(u.before, 'hex'),"
            + " decode(u.after, 'hex')"
            + " FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
            + " ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])"
            + " AS u(seq, at, actor, on_behalf_of, model, authority, request_id, type, collection, record_id, op, payload,"
            + " before, after)"
            + " ON CONFLICT (tenant, incarnation, seq) DO NOTHING";

    private final LedgerDatabase database;
    private final int batchSize;
    private final BatchListener listener;
    private Connection connection;
    private OutboxStatus found;

    /** Called after each committed batch (tests and progress output). */
    @FunctionalInterface
    public interface BatchListener {
        void committed(String tenant, String incarnation, long position, int events);
    }

    public Shipper(LedgerDatabase database) {
        this(database, DEFAULT_BATCH, null);
    }

    /** @param batchSize events per PostgreSQL transaction, 1 to 100,000 */
    public Shipper(LedgerDatabase database, int batchSize, BatchListener listener) {
        if (batchSize < 1 || batchSize > 100_000) {
            throw new LedgerException("the batch size must be between 1 and 100000, was " + batchSize);
        }
        this.database = database;
        this.batchSize = batchSize;
        this.listener = listener;
    }

    /**
     * Ships everything in the tenant's outbox that is not in the ledger yet, and returns how many events it sent.
     * Changes committed while it runs are shipped too if they are there when it reads the next batch.
     *
     * @throws LedgerException when PostgreSQL cannot be reached or refuses; what was committed stays committed
     */
    public long ship(String tenant, LiteMem mem) {
        found = null;
        String incarnation = mem.incarnation();
        Ledger ledger = mem.ledger();
        long shipped = 0;
        try {
            Connection c = connection();
            long position = cursor(c, tenant, incarnation, ledger);
            found = ledger.status(position);
            while (true) {
                List<LedgerEntry> batch = ledger.outbox(position, batchSize);
                if (batch.isEmpty()) {
                    break;
                }
                long moved = send(c, tenant, incarnation, position, batch);
                if (moved < 0) {
                    // Another shipper moved the cursor since we read it: continue from where it is now.
                    position = cursor(c, tenant, incarnation, ledger);
                    continue;
                }
                shipped += batch.size();
                position = moved;
                if (listener != null) {
                    listener.committed(tenant, incarnation, position, batch.size());
                }
            }
            if (position > 0 && ledger.shippedHint() != position) {
                ledger.recordShipped(incarnation, position);
            }
            return shipped;
        } catch (SQLException e) {
            dropConnection();
            throw new LedgerException("shipping tenant '" + tenant + "' to " + database.url().display() + " failed after "
                    + shipped + " events (they are in; the rest will be sent next time): " + e.getMessage(), e);
        }
    }

    /** What the last {@link #ship} found pending when it started (its lag then), or null before the first. */
    public OutboxStatus lastFound() {
        return found;
    }

    /** How far the tenant's ledger is behind its file: PostgreSQL's cursor against the file's outbox. */
    public TenantLag lag(String tenant, LiteMem mem) {
        String incarnation = mem.incarnation();
        try {
            Connection c = connection();
            long position = cursor(c, tenant, incarnation, mem.ledger());
            OutboxStatus status = mem.ledger().status(position);
            return new TenantLag(tenant, incarnation, position, status.pending(),
                    status.secondsBehind(Instant.now()), null);
        } catch (SQLException e) {
            dropConnection();
            throw new LedgerException("reading the cursor of tenant '" + tenant + "' failed: " + e.getMessage(), e);
        }
    }

    /**
     * The tenant's cursor for this incarnation, created if it has none: a new incarnation of a file that had another
     * starts after what the ledger already holds of the old one, up to where the old one ended in this file (what
     * the old incarnation shipped past that point is another history).
     */
    private long cursor(Connection c, String tenant, String incarnation, Ledger ledger) throws SQLException {
        Long existing = readCursor(c, tenant, incarnation);
        if (existing != null) {
            return existing;
        }
        long start = 0;
        Ledger.PreviousIncarnation previous = ledger.previousIncarnation();
        if (previous != null) {
            Long old = readCursor(c, tenant, previous.incarnation());
            start = old == null ? 0 : Math.min(old, previous.baseSeq());
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO litemem.cursors (tenant, incarnation, position,"
                + " started_after, previous_incarnation) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            s.setString(1, tenant);
            s.setString(2, incarnation);
            s.setLong(3, start);
            s.setLong(4, start);
            s.setString(5, previous == null ? null : previous.incarnation());
            s.executeUpdate();
        }
        return readCursor(c, tenant, incarnation);
    }

    private static Long readCursor(Connection c, String tenant, String incarnation) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT position FROM litemem.cursors WHERE tenant = ? AND incarnation = ?")) {
            s.setString(1, tenant);
            s.setString(2, incarnation);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /**
     * Sends one batch that starts after {@code from}: its events and the cursor's move in one transaction. Returns the
     * new position, or -1 when the cursor was not at {@code from} (nothing was written).
     */
    long send(Connection c, String tenant, String incarnation, long from, List<LedgerEntry> batch) throws SQLException {
        c.setAutoCommit(false);
        boolean done = false;
        try {
            try (PreparedStatement lock = c.prepareStatement("SELECT position FROM litemem.cursors"
                    + " WHERE tenant = ? AND incarnation = ? FOR UPDATE")) {
                lock.setString(1, tenant);
                lock.setString(2, incarnation);
                try (ResultSet rs = lock.executeQuery()) {
                    if (!rs.next() || rs.getLong(1) != from) {
                        c.rollback();
                        done = true;
                        return -1;
                    }
                }
            }
            int n = batch.size();
            Long[] seq = new Long[n];
            Long[] at = new Long[n];
            String[][] text = new String[12][n];
            HexFormat hex = HexFormat.of();
            for (int i = 0; i < n; i++) {
                LedgerEntry e = batch.get(i);
                seq[i] = e.seq();
                at[i] = e.at().toEpochMilli();
                text[0][i] = e.actor() == null ? null : e.actor().id();
                text[1][i] = e.actor() == null ? null : e.actor().onBehalfOf();
                text[2][i] = e.actor() == null ? null : e.actor().model();
                text[3][i] = e.actor() == null ? null : e.actor().authority();
                text[4][i] = e.actor() == null ? null : e.actor().requestId();
                text[5][i] = e.type();
                text[6][i] = e.collection();
                text[7][i] = e.recordId();
                text[8][i] = e.op();
                text[9][i] = jsonbSafe(e.payload());
                text[10][i] = e.beforeSha256() == null ? null : hex.formatHex(e.beforeSha256());
                text[11][i] = e.afterSha256() == null ? null : hex.formatHex(e.afterSha256());
            }
            try (PreparedStatement insert = c.prepareStatement(INSERT)) {
                insert.setString(1, tenant);
                insert.setString(2, incarnation);
                Array[] arrays = new Array[14];
                arrays[0] = c.createArrayOf("bigint", seq);
                arrays[1] = c.createArrayOf("bigint", at);
                for (int k = 0; k < 12; k++) {
                    arrays[k + 2] = c.createArrayOf("text", text[k]);
                }
                for (int k = 0; k < 14; k++) {
                    insert.setArray(k + 3, arrays[k]);
                }
                insert.executeUpdate();
            }
            long to = batch.get(n - 1).seq();
            try (PreparedStatement move = c.prepareStatement("UPDATE litemem.cursors SET position = ?, events = events + ?,"
                    + " updated_at = now() WHERE tenant = ? AND incarnation = ?")) {
                move.setLong(1, to);
                move.setLong(2, n);
                move.setString(3, tenant);
                move.setString(4, incarnation);
                move.executeUpdate();
            }
            c.commit();
            done = true;
            return to;
        } finally {
            if (!done) {
                try {
                    c.rollback();
                } catch (SQLException e) {
                    // The connection is broken; the caller reports the original error and reconnects.
                }
            }
            try {
                c.setAutoCommit(true);
            } catch (SQLException e) {
                // Likewise.
            }
        }
    }

    /**
     * PostgreSQL's jsonb cannot hold the character U+0000; such an escape in a payload becomes U+FFFD so that one odd
     * record never stops a tenant's shipping (docs/LEDGER.md, failure cases). Everything else is shipped as written.
     */
    static String jsonbSafe(String json) {
        if (json == null || !json.contains("\\u0000")) {
            return json;
        }
        return NUL_ESCAPE.matcher(json).replaceAll("$1\\\\ufffd");
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = database.connect();
        }
        return connection;
    }

    private void dropConnection() {
        LedgerDatabase.closeQuietly(connection);
        connection = null;
    }

    @Override
    public void close() {
        dropConnection();
    }
}
