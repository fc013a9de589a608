package dev.litemem.index;

/** The checkpoint is damaged (checksum, truncation or structure): rebuild the index from the rows. */
public class CorruptCheckpointException extends IndexException {
    public CorruptCheckpointException(String message) {
        super(message);
    }

    public CorruptCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
