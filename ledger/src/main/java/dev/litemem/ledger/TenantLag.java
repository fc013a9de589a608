package dev.litemem.ledger;

/**
 * How far a tenant's ledger is behind its file.
 *
 * @param tenant         the tenant
 * @param incarnation    the file's current incarnation
 * @param position       the ledger cursor: the last seq of this incarnation whose events are in PostgreSQL
 * @param eventsBehind   outbox changes in the file after the cursor
 * @param secondsBehind  age of the oldest of them (0 when none)
 * @param error          why the tenant could not be read or shipped, or null
 */
public record TenantLag(String tenant, String incarnation, long position, long eventsBehind, double secondsBehind,
                        String error) {
}
