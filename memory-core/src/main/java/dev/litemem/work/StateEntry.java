package dev.litemem.work;

import java.time.Instant;

/**
 * One state entry.
 *
 * @param value     the JSON value as stored (compact)
 * @param version   1 for the first write, one more for each next
 * @param expiresAt when it disappears, or null
 */
public record StateEntry(String key, String value, long version, Instant updatedAt, Instant expiresAt) {
}
