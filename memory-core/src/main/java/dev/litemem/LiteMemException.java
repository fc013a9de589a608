package dev.litemem;

/**
 * Root of every exception LiteMem throws. Messages say what went wrong and what to do about it; they never contain
 * record text, metadata values or vectors.
 */
public class LiteMemException extends RuntimeException {
    public LiteMemException(String message) {
        super(message);
    }

    public LiteMemException(String message, Throwable cause) {
        super(message, cause);
    }
}
