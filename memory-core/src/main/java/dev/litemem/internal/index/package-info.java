/**
 * Each collection's vector index as derived state: loaded from its newest valid checkpoint or rebuilt from the rows,
 * kept in step by replaying the change log ({@link dev.litemem.internal.index.CollectionIndex}), checkpointed into
 * the file in pages ({@link dev.litemem.internal.index.Checkpoints}) and maintained on the process's shared maintenance pool
 * for each written store ({@link dev.litemem.internal.index.IndexMaintainer}). The graph itself is module vector-index. Internal: see
 * {@link dev.litemem.internal}.
 */
package dev.litemem.internal.index;
