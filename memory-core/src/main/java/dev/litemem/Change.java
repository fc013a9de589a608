package dev.litemem;

import java.time.Instant;

/**
 * One entry of the change log: every insert, update and delete gets the next sequence number, in the same transaction
 * as the change. Sequence numbers only grow and are never reused, so a reader (the vector index, a replica, a central
 * ledger) resumes from the last sequence it saw.
 *
 * @param actor who made the change ({@link LiteMemOptions#actor()}), or null
 */
public record Change(long seq, Instant at, String collection, String recordId, Operation op, String actor) {
    public enum Operation {
        INSERT, UPDATE, DELETE
    }
}
