package dev.litemem.ledger;

/** The ledger module's one exception: a message a user can act on, never user data. */
public class LedgerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LedgerException(String message) {
        super(message);
    }

    public LedgerException(String message, Throwable cause) {
        super(message, cause);
    }
}
