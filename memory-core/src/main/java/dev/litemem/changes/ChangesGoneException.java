package dev.litemem.changes;

import dev.litemem.LiteMemException;

/**
 * The changes a reader asked for are no longer kept (the change log was pruned past its position), or its position
 * does not belong to this file's history: the reader must start again from a snapshot (the export).
 */
public class ChangesGoneException extends LiteMemException {
    private final long keptAfter;
    private final String incarnation;

    public ChangesGoneException(String message, long keptAfter, String incarnation) {
        super(message);
        this.keptAfter = keptAfter;
        this.incarnation = incarnation;
    }

    /** The lowest position a reader may still ask from (changes after it are all kept). */
    public long keptAfter() {
        return keptAfter;
    }

    /** The file's incarnation. */
    public String incarnation() {
        return incarnation;
    }
}
