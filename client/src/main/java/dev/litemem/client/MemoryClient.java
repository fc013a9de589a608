package dev.litemem.client;

import dev.litemem.memory.MemoryHit;
import dev.litemem.memory.RememberOptions;
import dev.litemem.memory.RememberResult;
import dev.litemem.memory.Scope;
import dev.litemem.Hit;
import dev.litemem.Page;
import dev.litemem.Record;
import java.util.List;
import java.util.Optional;

/**
 * An agent's memory, embedded in a local file or held by a LiteMem server: the same calls either way, chosen by a URI
 * (see {@link MemoryClients#open(String)}). Errors are LiteMem's own: {@link dev.litemem.InvalidInputException} naming
 * the offending field for bad input, {@link dev.litemem.LiteMemException} for the rest.
 *
 * <p>Reads of a collection that does not exist find nothing (they never create it); writes create it.
 */
public interface MemoryClient extends AutoCloseable {

    /** Inserts or replaces the records, all or none; returns the change sequence number of the batch. */
    long put(String collection, List<Record> records);

    default long put(String collection, Record record) {
        return put(collection, List.of(record));
    }

    Optional<Record> get(String collection, String id);

    /** Deletes one record; returns whether it existed. */
    boolean delete(String collection, String id);

    /** Deletes the records matching a JSON filter (at least one condition); returns how many. */
    int deleteWhere(String collection, String whereJson);

    /** One page of records in id order, filtered by a JSON filter (null for all), after {@code cursor} (null first). */
    Page<Record> list(String collection, String whereJson, String cursor, int limit);

    /** The best hits for the query, best first. */
    List<Hit> search(String collection, Query query);

    /**
     * Remembers {@code text} in the scope (agent memory, docs/MEMORY.md): an exact repeat or near-duplicate of the
     * scope is not stored twice. Over HTTP the options' kind, importance, metadata and expiry travel; a consolidation
     * policy or threshold of its own runs only embedded (the HTTP client refuses them, field {@code policy}).
     */
    RememberResult remember(Scope scope, String text, RememberOptions options);

    default RememberResult remember(Scope scope, String text) {
        return remember(scope, text, RememberOptions.defaults());
    }

    /** The scope's k memories best matching the query, by relevance, recency and importance (default weights). */
    List<MemoryHit> recall(Scope scope, String query, int k);

    /** Forgets everything of the scope (memories, their history, its work state); returns how many memories. */
    int forget(Scope scope);

    @Override
    void close();
}
