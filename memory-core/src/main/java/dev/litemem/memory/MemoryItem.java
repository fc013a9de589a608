package dev.litemem.memory;

import java.time.Instant;
import java.util.Map;

/**
 * One memory as stored.
 *
 * @param kind           what sort of memory ({@code fact}, {@code preference}, {@code event}, {@code instruction}, or
 *                       any other word the application uses)
 * @param importance     0 to 1
 * @param lastAccessedAt when a recall last returned it with {@link RecallOptions#markAccessed(boolean)}, else when it
 *                       was written
 * @param expiresAt      when it disappears, or null for never
 * @param validFrom      since when the fact holds
 * @param validTo        until when it held (it was superseded), or null while it is current
 * @param supersededBy   the memory that replaced it, or null
 */
public record MemoryItem(String id, String text, Map<String, Object> metadata, Scope scope, String kind,
                         double importance, Instant createdAt, Instant updatedAt, Instant lastAccessedAt,
                         Instant expiresAt, Instant validFrom, Instant validTo, String supersededBy) {
    public MemoryItem {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** Whether it is a current fact (not superseded). */
    public boolean current() {
        return validTo == null;
    }
}
