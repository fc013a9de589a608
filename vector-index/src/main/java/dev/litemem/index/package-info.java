/**
 * An in-memory approximate nearest-neighbour index over float vectors, and the checkpoint format that stores its
 * graph without the vectors. {@link dev.litemem.index.VectorIndex} is the whole API: create one
 * ({@link dev.litemem.index.VectorIndex#create}) with a {@link dev.litemem.index.Metric} and
 * {@link dev.litemem.index.HnswParams}, add vectors under {@code long} labels, search (approximately, with an
 * optional label filter, or exactly), remove, checkpoint ({@link dev.litemem.index.CheckpointIdentity} says what a
 * checkpoint belongs to) and restore. Scores are higher-is-better for every metric.
 *
 * <p>Two implementations: LiteMem's own HNSW graph (the default; seeded, filtered search, checkpoints) and
 * hnswlib-core 1.2.1 through its public API ({@link dev.litemem.index.VectorIndex.Implementation#HNSWLIB_CORE}, the
 * reference). Every exception is an {@link dev.litemem.index.IndexException}; a checkpoint that cannot be used
 * raises one of its subtypes, which all mean "rebuild from the rows". The module knows nothing of SQLite.
 */
package dev.litemem.index;
