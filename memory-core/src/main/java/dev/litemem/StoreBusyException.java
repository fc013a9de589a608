package dev.litemem;

/**
 * Another process held the file's write lock for longer than the busy timeout. Nothing of this operation was
 * written; retry later, or raise {@link LiteMemOptions.Builder#busyTimeout}.
 */
public class StoreBusyException extends LiteMemException {
    public StoreBusyException(String message, Throwable cause) {
        super(message, cause);
    }
}
