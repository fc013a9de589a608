package dev.litemem.client;

import dev.litemem.memory.MemoryHit;
import dev.litemem.memory.MemoryItem;
import dev.litemem.memory.MemoryVersion;
import dev.litemem.memory.RememberOptions;
import dev.litemem.memory.RememberResult;
import dev.litemem.memory.Scope;
import dev.litemem.Hit;
import dev.litemem.Page;
import dev.litemem.Record;
import dev.litemem.work.JournalEntry;
import dev.litemem.work.StateEntry;
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

    /** One memory by id; empty when there is none (or it expired). */
    Optional<MemoryItem> getMemory(String id);

    /** One page of the scope's current memories in id order, after {@code cursor} (null first). */
    Page<MemoryItem> listMemories(Scope scope, String cursor, int limit);

    /** Every change of a memory, oldest first, with the state it replaced (also after the memory was deleted). */
    List<MemoryVersion> history(String memoryId);

    /** Undoes the scope's last {@code n} changes, newest first (each undo is itself a logged change); returns how many. */
    int undo(Scope scope, int n);

    /**
     * Replaces a current fact by a new one without losing it: the old memory stops being valid now and names its
     * successor; recall returns the new one (and the old one as of earlier instants).
     */
    RememberResult supersede(String memoryId, String text, RememberOptions options);

    default RememberResult supersede(String memoryId, String text) {
        return supersede(memoryId, text, RememberOptions.defaults());
    }

    /** The scope's work-state entry for {@code key} (its value is JSON); empty when there is none. */
    Optional<StateEntry> getState(Scope scope, String key);

    /** Writes a work-state entry (a JSON value), whatever its version; returns it with its new version. */
    StateEntry putState(Scope scope, String key, String json);

    /**
     * Writes a work-state entry only if it is still at {@code expectedVersion} (0: only if absent); empty when another
     * writer got there first (read it again and decide).
     */
    Optional<StateEntry> compareAndSetState(Scope scope, String key, long expectedVersion, String json);

    /** Deletes a work-state entry; returns whether it existed. */
    boolean deleteState(Scope scope, String key);

    /** Appends an entry (a type and a JSON payload) to a run's journal; returns its sequence number. */
    long appendJournal(String run, String type, String payloadJson);

    /** Up to {@code limit} entries of a run's journal after {@code afterSeq} (0 from the start), of one type or all (null). */
    List<JournalEntry> readJournal(String run, String type, long afterSeq, int limit);

    @Override
    void close();
}
