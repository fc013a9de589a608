/**
 * LiteMem's public API: agent memory and RAG in one SQLite file per agent or tenant.
 *
 * <p>{@link dev.litemem.LiteMem} opens a store (one file); a {@link dev.litemem.Collection} holds
 * {@link dev.litemem.Record}s of one embedding model; {@link dev.litemem.SearchRequest} searches them by meaning, by
 * keywords or both, with a {@link dev.litemem.Filter} on metadata; {@link dev.litemem.Change} is one entry of the
 * change log. {@link dev.litemem.Embedder} turns text into vectors ({@code litemem-embedding} ships a local one).
 * Every failure is a {@link dev.litemem.LiteMemException}; bad input an {@link dev.litemem.InvalidInputException}
 * naming the offending part.
 *
 * <p>This package holds public API types only: the implementation lives in {@code dev.litemem.internal.*}, which no
 * public signature mentions (checked by memory-core's ArchitectureTest).
 */
package dev.litemem;
