package dev.litemem.client;

import dev.litemem.LiteMemException;

/**
 * A replica could not do what was asked in time: a write while its primary is unreachable (writes are never queued),
 * or a read whose bookmark the replica did not reach within the timeout. Its reads of the local file keep working;
 * {@link Replica#status()} says where it stands and since when.
 */
public class ReplicaUnavailableException extends LiteMemException {
    public ReplicaUnavailableException(String message) {
        super(message);
    }

    public ReplicaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
