package dev.litemem.server.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The process's file descriptors, as the tenant cache budgets them: each open tenant holds {@link #perTenant} of them
 * (its database and WAL files for each SQLite connection, and one shared-memory file), and a {@link #reserve} stays
 * free for client connections, jars and logs. Where the JVM cannot tell (not a Unix system), nothing is bounded.
 */
final class FileDescriptors {
    private final com.sun.management.UnixOperatingSystemMXBean unix;
    private final long limit;
    private final long openAtStart;
    private final int perTenant;
    private final long reserve;
    /** The last count of open descriptors, when it was taken, and how many checks trusted it since. */
    private static final long RECOUNT_NANOS = 1_000_000_000L;
    private long lastCount;
    private long countedAtNanos = System.nanoTime() - RECOUNT_NANOS;
    private int checksSinceCount;

    private FileDescriptors(com.sun.management.UnixOperatingSystemMXBean unix, int connectionsPerTenant) {
        this.unix = unix;
        this.limit = unix == null ? Long.MAX_VALUE : unix.getMaxFileDescriptorCount();
        this.openAtStart = unix == null ? 0 : unix.getOpenFileDescriptorCount();
        // Per SQLite connection: the database file and the WAL file; per database and process: one -shm file. One spare.
        this.perTenant = 2 * connectionsPerTenant + 2;
        this.reserve = unix == null ? 0 : Math.max(64, limit / 4);
    }

    static FileDescriptors probe(int connectionsPerTenant) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return new FileDescriptors(os instanceof com.sun.management.UnixOperatingSystemMXBean u ? u : null,
                connectionsPerTenant);
    }

    boolean known() {
        return unix != null;
    }

    long limit() {
        return limit;
    }

    long openAtStart() {
        return openAtStart;
    }

    int perTenant() {
        return perTenant;
    }

    long reserve() {
        return reserve;
    }

    /** How many tenants fit in the descriptors left after those in use at start and the reserve (at least 1). */
    int tenantBound() {
        if (unix == null) {
            return Integer.MAX_VALUE;
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (limit - openAtStart - reserve) / perTenant));
    }

    /** Descriptors open now (on Linux a count of /proc/self/fd: cheap, but not free; called when a tenant opens). */
    long open() {
        return unix == null ? 0 : unix.getOpenFileDescriptorCount();
    }

    /** Whether opening one more tenant now would eat into half of the reserve (clients are using the rest). */
    boolean underPressure() {
        if (unix == null) {
            return false;
        }
        long threshold = limit - reserve / 2;
        long now = System.nanoTime();
        synchronized (this) {
            // Counting (a listing of /proc/self/fd) costs about what opening a small tenant does: skip it while the
            // last count, plus a tenant's worth for every check since, stays a quarter of the reserve below the line.
            checksSinceCount++;
            if (now - countedAtNanos < RECOUNT_NANOS
                    && lastCount + (long) perTenant * checksSinceCount + perTenant + reserve / 4 <= threshold) {
                return false;
            }
        }
        long open = open();
        synchronized (this) {
            lastCount = open;
            countedAtNanos = now;
            checksSinceCount = 0;
        }
        return open + perTenant > threshold;
    }
}
