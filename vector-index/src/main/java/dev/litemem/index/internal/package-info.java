/**
 * The implementations behind {@link dev.litemem.index.VectorIndex}; nothing here is API.
 *
 * <ul>
 *   <li>{@link dev.litemem.index.internal.HnswVectorIndex}: LiteMem's index. Its parts: a
 *   {@link dev.litemem.index.internal.VectorStore} (vectors, int8 codes, labels and source hashes in flat chunks,
 *   by slot), an {@link dev.litemem.index.internal.HnswGraph} (node id = slot; a flat level-0 {@code int[]}, upper
 *   levels per node, levels, flags, entry point), the {@link dev.litemem.index.internal.HnswBuilder} that inserts
 *   (hnswlib's algorithm and neighbour heuristic, striped list locks) and the
 *   {@link dev.litemem.index.internal.GraphSearcher} that answers queries (int8 walk, float re-rank, filter during
 *   traversal). {@link dev.litemem.index.internal.NodeHeap} is the one heap of both walks and of the exact scan.</li>
 *   <li>{@link dev.litemem.index.internal.CheckpointCodec} and {@link dev.litemem.index.internal.Graph}: the
 *   checkpoint format of vector-index/CHECKPOINT-FORMAT.md and the plain-array graph it reads and writes.</li>
 *   <li>{@link dev.litemem.index.internal.HnswlibCoreVectorIndex}: the reference implementation over hnswlib-core's
 *   public API.</li>
 *   <li>{@link dev.litemem.index.internal.VectorMath} and {@link dev.litemem.index.internal.VectorMaths}: the
 *   distance kernels, Vector API when {@code --add-modules jdk.incubator.vector} is given, plain Java otherwise
 *   (public for the benchmarks).</li>
 * </ul>
 */
package dev.litemem.index.internal;
