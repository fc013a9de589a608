package dev.litemem;

import java.time.Instant;

/**
 * How far a reader of the outbox is behind the file: the changes in the outbox after a position.
 *
 * @param position      the position asked about (the last sequence number shipped)
 * @param pending       how many outbox changes have a higher sequence number
 * @param oldestPending when the oldest of them was made, or null when none is pending
 * @param lastSequence  the highest sequence number in the outbox, or the position when the outbox is empty past it
 */
public record OutboxStatus(long position, long pending, Instant oldestPending, long lastSequence) {
    /** Seconds between the oldest pending change and {@code now}; 0 when nothing is pending. */
    public double secondsBehind(Instant now) {
        return oldestPending == null ? 0 : Math.max(0, (now.toEpochMilli() - oldestPending.toEpochMilli()) / 1000.0);
    }
}
