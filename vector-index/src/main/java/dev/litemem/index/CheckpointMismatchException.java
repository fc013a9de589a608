package dev.litemem.index;

/** The checkpoint belongs to another collection, model, dimension, metric or HNSW parameters: rebuild the index from the rows. */
public class CheckpointMismatchException extends IndexException {
    public CheckpointMismatchException(String message) {
        super(message);
    }

    public CheckpointMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
