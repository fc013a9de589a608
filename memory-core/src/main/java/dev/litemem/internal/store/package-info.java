/**
 * The SQLite file: {@link dev.litemem.internal.store.Database} (one writer connection, a pool of read-only readers,
 * the lifecycle lock; see docs/CONCURRENCY.md), the schema and its forward-only migrations
 * ({@link dev.litemem.internal.store.Schema}, the only place LiteMem's tables are defined), the check that refuses
 * files of other applications or newer versions before anything is written, the rows of records and changes, the
 * embedding cache and the documents table. Internal: see {@link dev.litemem.internal}.
 */
package dev.litemem.internal.store;
