package dev.litemem.internal.store;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The registry of change-log consumers ({@code changelog_consumers}): each reader of the log outside the row tables
 * (the ledger shipper's hint, replicas, backups) with the last sequence number it has durably taken, the incarnation
 * that position belongs to, and whether pruning must wait for it. See docs/ARCHITECTURE.md, "Retention".
 */
public final class Consumers {
    /** A consumer's registered position. */
    public record Position(String name, long position, String incarnation, boolean required, long updatedAt) {
    }

    private Consumers() {
    }

    public static Optional<Position> get(Handle h, String name) {
        return h.createQuery("SELECT name, position, incarnation, required, updated_at FROM changelog_consumers WHERE name = ?")
                .bind(0, name).map((rs, ctx) -> new Position(rs.getString(1), rs.getLong(2), rs.getString(3),
                        rs.getInt(4) != 0, rs.getLong(5))).findOne();
    }

    public static List<Position> all(Handle h) {
        return h.createQuery("SELECT name, position, incarnation, required, updated_at FROM changelog_consumers ORDER BY name")
                .map((rs, ctx) -> new Position(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getInt(4) != 0,
                        rs.getLong(5))).list();
    }

    /** Registers the consumer or moves its position (in the caller's write transaction). */
    public static void set(Handle h, String name, long position, String incarnation, boolean required) {
        h.createUpdate("INSERT INTO changelog_consumers (name, position, incarnation, required, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position,"
                        + " incarnation = excluded.incarnation, required = excluded.required, updated_at = excluded.updated_at")
                .bind(0, name).bind(1, position).bind(2, incarnation).bind(3, required ? 1 : 0)
                .bind(4, System.currentTimeMillis()).execute();
    }

    /** Removes the consumers whose name starts with {@code prefix} and whose position has not moved since {@code before}. */
    public static int removeIdle(Handle h, String prefix, long beforeMillis) {
        return h.createUpdate("DELETE FROM changelog_consumers WHERE substr(name, 1, ?) = ? AND updated_at < ?")
                .bind(0, prefix.length()).bind(1, prefix).bind(2, beforeMillis).execute();
    }

    public static boolean remove(Handle h, String name) {
        return h.createUpdate("DELETE FROM changelog_consumers WHERE name = ?").bind(0, name).execute() > 0;
    }
}
