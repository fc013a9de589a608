/**
 * The central ledger: ships the outboxes of LiteMem files into PostgreSQL ({@code litemem.events}), exactly once and
 * in order per tenant and incarnation. {@link dev.litemem.ledger.LedgerDatabase} is where the ledger lives,
 * {@link dev.litemem.ledger.Shipper} drains one file, {@link dev.litemem.ledger.TenantShipping} drains many with
 * bounded concurrency. See docs/LEDGER.md.
 */
package dev.litemem.ledger;
