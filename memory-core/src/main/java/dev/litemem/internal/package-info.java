/**
 * memory-core's implementation, and the one seam LiteMem's other modules may use.
 *
 * <p>This package itself holds the few helpers LiteMem's own modules share ({@link dev.litemem.internal.Sha256},
 * {@link dev.litemem.internal.DurableFiles}, {@link dev.litemem.internal.SqliteFiles}); they are not user API and
 * may change. Its subpackages are memory-core's implementation by capability, public only so that the API package can
 * reach them; no other module uses them (each module's ArchitectureTest):
 * <ul>
 *   <li>{@code store}: the SQLite file: connections, schema and migrations, record and change rows, the embedding
 *       cache, the documents table;</li>
 *   <li>{@code filter}: the metadata filter language compiled to SQL, and the row-id set it keeps;</li>
 *   <li>{@code search}: one search request: semantic and keyword candidates, fusion, MMR, paging;</li>
 *   <li>{@code index}: each collection's vector index kept in step with the change log, its checkpoints, the
 *       background maintenance thread;</li>
 *   <li>{@code ingest}: walking, extraction, chunking and storing for {@code dev.litemem.ingest}.</li>
 * </ul>
 */
package dev.litemem.internal;
