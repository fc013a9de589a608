package dev.litemem;

import java.time.Instant;

/** A collection as stored: its name, what it is fixed to, and when it was created. */
public record CollectionInfo(String name, CollectionSpec spec, Instant createdAt) {
}
