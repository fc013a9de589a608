package dev.litemem.changes;

import dev.litemem.LiteMemException;

/**
 * A write was made to a file that is a replica of a tenant on a server: a replica takes its changes from its primary
 * only. Write through the replica client (it forwards writes to the primary) or to the primary itself.
 */
public class ReplicaWriteException extends LiteMemException {
    public ReplicaWriteException(String message) {
        super(message);
    }
}
