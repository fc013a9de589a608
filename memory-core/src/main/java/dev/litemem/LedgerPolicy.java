package dev.litemem;

import java.util.Locale;

/**
 * Which changes of a collection (or of an entity kind outside collections) go to the central ledger: the outbox
 * policy. See docs/LEDGER.md.
 */
public enum LedgerPolicy {
    /** Scratch state: changes stay in the file (the default). */
    NONE,
    /** Every change goes to the ledger. */
    ALL;

    /** The policy's name as stored and as written in JSON and on the command line: {@code none} or {@code all}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The policy named {@code none} or {@code all} (any case). */
    public static LedgerPolicy fromId(String id) {
        if (id != null) {
            for (LedgerPolicy p : values()) {
                if (p.id().equalsIgnoreCase(id.trim())) {
                    return p;
                }
            }
        }
        throw new InvalidInputException("ledger", "the ledger policy must be \"none\" or \"all\", was "
                + (id == null ? "nothing" : "\"" + (id.length() > 20 ? id.substring(0, 20) + "..." : id) + "\""));
    }
}
