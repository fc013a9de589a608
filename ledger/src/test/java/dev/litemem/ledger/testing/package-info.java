/** Test support for the ledger: a real PostgreSQL cluster per test run ({@link dev.litemem.ledger.testing.PostgresCluster}). */
package dev.litemem.ledger.testing;
