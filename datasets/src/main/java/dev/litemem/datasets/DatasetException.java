package dev.litemem.datasets;

/**
 * The one exception type of the datasets module: a missing or malformed dataset file, a truncated vector file, or
 * invalid arguments. Messages name the file and line or vector number; they never contain document text or vectors.
 */
public class DatasetException extends RuntimeException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
