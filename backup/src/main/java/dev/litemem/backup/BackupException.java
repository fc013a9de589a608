package dev.litemem.backup;

import dev.litemem.LiteMemException;

/** A backup or restore failed; the message says what was wrong and what to do. The module's one exception root. */
public class BackupException extends LiteMemException {
    public BackupException(String message) {
        super(message);
    }

    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
