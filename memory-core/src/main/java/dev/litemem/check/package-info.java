/**
 * Checking a LiteMem file without changing it, LiteMem's counterpart of Lucene's CheckIndex: {@link
 * dev.litemem.check.StoreCheck#check} runs every check (SQLite's integrity check, the keyword index against the
 * records, every index checkpoint's checksums and the rows it indexes, the change log's order, vectors, metadata);
 * {@link dev.litemem.check.StoreCheck#quickCheck} the cheap part a server runs before it opens a tenant. The
 * command {@code litemem check} and docs/OPERATIONS.md describe the findings.
 */
package dev.litemem.check;
