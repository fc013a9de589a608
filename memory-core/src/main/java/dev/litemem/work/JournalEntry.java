package dev.litemem.work;

import java.time.Instant;

/** One journal entry; {@code payload} is the JSON value as stored, {@code actor} who appended it, or null. */
public record JournalEntry(long seq, String run, String type, String payload, Instant at, String actor) {
}
