package dev.litemem.client;

import java.time.Duration;
import java.time.Instant;

/**
 * Where a replica stands (docs/REPLICAS.md).
 *
 * @param tenant           the tenant it follows
 * @param position         the primary's sequence number it has applied (every change at or below it)
 * @param incarnation      the primary's incarnation that position belongs to
 * @param primaryLatest    the primary's newest sequence number when it last heard from it
 * @param lastContact      when it last heard from the primary (null: not since it was opened)
 * @param syncedAt         when it last applied a batch or bootstrapped (as stored in the file)
 * @param online           whether its last request to the primary succeeded
 * @param offlineReason    why the last request failed, or null
 * @param bootstraps       snapshots loaded since it was opened (the first, a retention gap, a new incarnation)
 * @param bytesReceived    bytes of change-feed answers received since it was opened
 * @param changesReceived  row changes received since it was opened
 */
public record ReplicaStatus(String tenant, long position, String incarnation, long primaryLatest, Instant lastContact,
                            Instant syncedAt, boolean online, String offlineReason, int bootstraps, long bytesReceived,
                            long changesReceived) {
    /** The position as a bookmark. */
    public Bookmark bookmark() {
        return new Bookmark(tenant, incarnation, position);
    }

    /** How long ago it last applied a batch or bootstrapped: how stale its reads may be when it is offline. */
    public Duration age() {
        return syncedAt == null ? null : Duration.between(syncedAt, Instant.now());
    }
}
