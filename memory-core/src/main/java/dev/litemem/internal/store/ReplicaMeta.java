package dev.litemem.internal.store;

/**
 * The {@code meta} keys of a replica's file (docs/REPLICAS.md): what it follows, and how far it has applied its
 * primary's change feed. All are written in the transaction that applies a batch, so a crash resumes exactly.
 */
public final class ReplicaMeta {
    /** Present only in a replica's file: "TENANT at PRIMARY_URL". A file with it takes no local writes. */
    public static final String OF = "replica.of";
    /** The primary's sequence number the file reflects: every change at or below it is applied. */
    public static final String POSITION = "replica.position";
    /** The primary's incarnation that position belongs to. */
    public static final String INCARNATION = "replica.incarnation";
    /** When the replica last applied a batch or heard from its primary that it was current (epoch milliseconds). */
    public static final String SYNCED_AT = "replica.synced_at";
    /** This replica's own random id: the name of its change-log consumer on the primary. */
    public static final String ID = "replica.id";

    private ReplicaMeta() {
    }
}
