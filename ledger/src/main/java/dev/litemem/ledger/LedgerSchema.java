package dev.litemem.ledger;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The ledger's PostgreSQL schema {@code litemem}, created and versioned by LiteMem: forward-only migrations, each in
 * one transaction with its row in {@code litemem.schema_version}, under an advisory lock so that shippers starting
 * together migrate once. Never edit a released step; add one. docs/LEDGER.md shows the schema.
 */
public final class LedgerSchema {
    /** The advisory lock key of migrations ("LMLEDGER" as a number). */
    private static final long LOCK = 0x4C4D4C4544474552L;

    /** Migration i (0-based) takes the schema from version i to version i + 1. */
    static final List<List<String>> MIGRATIONS = List.of(
            // 1: the events (keyed by tenant, incarnation and the file's seq; these column names are fixed: other tools
            // read them) and the cursor of each (tenant, incarnation): the last seq whose events are in, moved in the
            // same transaction as the events it covers.
            List.of("""
                    CREATE TABLE litemem.events (
                      tenant         text        NOT NULL,
                      incarnation    text        NOT NULL,
                      seq            bigint      NOT NULL,
                      time           timestamptz NOT NULL,
                      actor          text,
                      on_behalf_of   text,
                      model          text,
                      authority      text,
                      request_id     text,
                      type           text        NOT NULL,
                      collection     text,
                      record_id      text,
                      op             text        NOT NULL,
                      payload        jsonb,
                      before_sha256  bytea,
                      after_sha256   bytea,
                      shipped_at     timestamptz NOT NULL DEFAULT now(),
                      PRIMARY KEY (tenant, incarnation, seq)
                    )""",
                    "CREATE INDEX events_by_time ON litemem.events (time)",
                    "CREATE INDEX events_by_type ON litemem.events (type, time)", """
                    CREATE TABLE litemem.cursors (
                      tenant                text        NOT NULL,
                      incarnation           text        NOT NULL,
                      position              bigint      NOT NULL,
                      started_after         bigint      NOT NULL,
                      previous_incarnation  text,
                      events                bigint      NOT NULL DEFAULT 0,
                      created_at            timestamptz NOT NULL DEFAULT now(),
                      updated_at            timestamptz NOT NULL DEFAULT now(),
                      PRIMARY KEY (tenant, incarnation)
                    )"""));

    /** The schema version this LiteMem writes and reads. */
    public static final int CURRENT_VERSION = MIGRATIONS.size();

    private LedgerSchema() {
    }

    /** Creates or migrates the schema; refuses a schema newer than this LiteMem. */
    static void migrate(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
            s.execute("CREATE SCHEMA IF NOT EXISTS litemem");
            s.execute("CREATE TABLE IF NOT EXISTS litemem.schema_version (version integer PRIMARY KEY,"
                    + " applied_at timestamptz NOT NULL DEFAULT now())");
            int version = version(s);
            if (version > CURRENT_VERSION) {
                throw new LedgerException("the ledger schema is at version " + version + ", newer than this LiteMem"
                        + " (version " + CURRENT_VERSION + "): upgrade LiteMem to ship into it");
            }
            for (int v = version; v < CURRENT_VERSION; v++) {
                for (String sql : MIGRATIONS.get(v)) {
                    s.execute(sql);
                }
                s.execute("INSERT INTO litemem.schema_version (version) VALUES (" + (v + 1) + ")");
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    static int version(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM litemem.schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
