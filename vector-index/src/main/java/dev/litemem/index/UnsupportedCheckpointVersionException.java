package dev.litemem.index;

/** The checkpoint was written by a newer format version than this build reads: rebuild the index from the rows (or upgrade). */
public class UnsupportedCheckpointVersionException extends IndexException {
    public UnsupportedCheckpointVersionException(String message) {
        super(message);
    }

    public UnsupportedCheckpointVersionException(String message, Throwable cause) {
        super(message, cause);
    }
}
