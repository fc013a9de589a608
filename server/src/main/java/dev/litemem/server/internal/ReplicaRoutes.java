package dev.litemem.server.internal;

import dev.litemem.LiteMem;
import dev.litemem.changes.ChangeBatch;
import dev.litemem.changes.ChangeFeed;
import dev.litemem.changes.ChangesGoneException;
import dev.litemem.client.Bookmark;
import dev.litemem.client.wire.ChangesJson;
import dev.litemem.server.ServerException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The change feed of a tenant for its replicas (docs/REPLICAS.md): {@code GET /v1/tenants/{t}/changes?after=SEQ&limit=N
 * &wait=SECONDS}. A request with nothing new waits for the tenant's next commit (woken by it, never polling the file;
 * re-looking at most every second without holding the tenant, so deleting or evicting it never waits for a poll), up to
 * {@code wait}. A replica naming itself ({@value #REPLICA_HEADER}) is registered as a change-log consumer at its
 * position, so the tenant's log is not pruned under it; a consumer not heard of for the replica hold
 * ({@link dev.litemem.server.ServerConfig.Builder#replicaHold}) stops holding it and is removed.
 */
final class ReplicaRoutes {
    static final String REPLICA_HEADER = "X-LiteMem-Replica";
    static final String INCARNATION_HEADER = "X-LiteMem-Incarnation";
    static final String SEQ_HEADER = "X-LiteMem-Seq";
    static final int MAX_WAIT_SECONDS = 60;
    private static final Pattern REPLICA_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final String CONSUMER_PREFIX = "replica.";
    /** Registering a position is a write: at most once a second per replica. */
    private static final long REGISTER_EVERY_NANOS = Duration.ofSeconds(1).toNanos();
    private final Api api;
    private final ConcurrentHashMap<String, Long> registeredAt = new ConcurrentHashMap<>();

    ReplicaRoutes(Api api) {
        this.api = api;
    }

    void register(JavalinConfig config) {
        api.route(config, "GET", "/v1/tenants/{tenant}/changes", this::changes);
    }

    private void changes(Context ctx) {
        String tenant = api.tenant(ctx, true);
        long after = longParam(ctx, "after");
        int limit = RecordRoutes.intParam(ctx, "limit", 1000, 1, ChangeFeed.MAX_LIMIT);
        int waitSeconds = RecordRoutes.intParam(ctx, "wait", 0, 0, MAX_WAIT_SECONDS);
        String replica = ctx.header(REPLICA_HEADER);
        if (replica != null && !REPLICA_ID.matcher(replica).matches()) {
            throw Errors.invalid(REPLICA_HEADER, REPLICA_HEADER + " must be 1 to 64 lower-case letters, digits or '-'");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
        while (true) {
            ChangeFeed feed;
            long seenCommits;
            ChangeBatch batch;
            try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
                LiteMem mem = lease.mem();
                feed = mem.changeFeed();
                seenCommits = feed.commitCount();
                try {
                    batch = feed.read(after, limit);
                } catch (ChangesGoneException e) {
                    ctx.header(INCARNATION_HEADER, e.incarnation());
                    throw new ServerException(410, "changes-gone", "after", e.getMessage()
                            + " (GET /v1/tenants/{t}/export, then follow from the seq it is consistent at)");
                }
                if (replica != null) {
                    holdFor(tenant, mem, replica, after);
                }
            }
            long left = deadline - System.nanoTime();
            if (batch.position() > after || left <= 0) {
                ctx.header(INCARNATION_HEADER, batch.incarnation());
                ctx.header(Bookmark.HEADER, new Bookmark(tenant, batch.incarnation(), batch.latest()).toString());
                ctx.json(ChangesJson.of(batch));
                return;
            }
            try {
                feed.awaitCommit(seenCommits, Duration.ofNanos(Math.min(left, Duration.ofSeconds(1).toNanos())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServerException(503, "shutting-down", null, "the server is stopping: ask again shortly");
            }
        }
    }

    /**
     * Registers the replica at its position (what it has applied), and drops the replicas of this tenant not heard of
     * for longer than the hold: a replica that went away must not keep the log from shrinking forever.
     */
    private void holdFor(String tenant, LiteMem mem, String replica, long position) {
        String key = tenant + "/" + replica;
        long now = System.nanoTime();
        Long last = registeredAt.get(key);
        if (last != null && now - last < REGISTER_EVERY_NANOS) {
            return;
        }
        registeredAt.put(key, now);
        mem.registerChangeLogConsumer(CONSUMER_PREFIX + replica, position, true);
        mem.removeChangeLogConsumersIdleSince(CONSUMER_PREFIX, java.time.Instant.now().minus(api.replicaHold()));
    }

    private static long longParam(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null) {
            throw Errors.invalid(name, name + " is required: the sequence number the replica has applied (0 to start)");
        }
        try {
            long value = Long.parseLong(v);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw Errors.invalid(name, name + " must be a whole number, 0 or more");
        }
    }
}
