package dev.litemem;

/**
 * The file cannot be opened as a LiteMem store: it is not a SQLite database, it is a SQLite database that belongs to
 * another application, or it was written by a newer LiteMem. The file was not modified.
 */
public class IncompatibleFileException extends LiteMemException {
    public IncompatibleFileException(String message) {
        super(message);
    }

    public IncompatibleFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
