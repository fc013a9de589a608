package dev.litemem.internal.memory;

import dev.litemem.Actor;
import dev.litemem.Embedder;
import dev.litemem.SearchResult;
import dev.litemem.index.VectorIndex;
import dev.litemem.internal.index.IndexAsIs;
import dev.litemem.internal.search.Query;
import dev.litemem.internal.store.Database;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What memory needs of the store and of its reserved collection, handed over by {@code LiteMem} (which alone can reach
 * a collection's internals).
 *
 * @param embedder      the collection's embedder (its model), for the text of new memories
 * @param search        runs a search over the collection's records
 * @param vectors       the collection's vector index, caught up with every committed change
 * @param vectorsAsIs   the index as it is and the last change it reflects (the caller covers the later ones)
 * @param written       tells the index maintenance that the collection was written
 * @param defaultActor  the store's default actor, or null
 */
public record MemoryBackend(Database db, long collectionId, Supplier<Embedder> embedder,
                            Function<Query, SearchResult> search, Supplier<VectorIndex> vectors, Supplier<IndexAsIs> vectorsAsIs, Runnable written,
                            Actor defaultActor) {
}
