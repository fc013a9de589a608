package dev.litemem.memory;

import dev.litemem.Actor;
import dev.litemem.Page;
import java.util.List;
import java.util.Optional;

/**
 * An agent's memory in a LiteMem file ({@link dev.litemem.LiteMem#memory()}): memories of scopes (user, agent,
 * session), consolidated as they are written, recalled by relevance, recency and importance, superseded rather than
 * overwritten, with their history and undo. Every change is in the file's change log (entity {@code memory}) with its
 * actor, in one transaction with the change itself; calls made inside {@link dev.litemem.LiteMem#inTransaction} join
 * that transaction. Thread-safe.
 *
 * <p>A memory is a record of the reserved collection {@value #COLLECTION} (which users cannot create or open by name),
 * so it is embedded, keyword-indexed and vector-indexed like any record. See docs/MEMORY.md.
 */
public interface Memory {
    /** The reserved collection that holds the memories' text and vectors. */
    String COLLECTION = "_memories";

    /** Remembers {@code text} in {@code scope} with the default options. */
    RememberResult remember(Scope scope, String text);

    /**
     * Remembers {@code text} in {@code scope}. An exact repeat (the same text after normalizing case, spacing and
     * Unicode form) of a current memory of the same scope is not stored again (UNCHANGED), even when several threads
     * or processes write it at once; nor is a near-duplicate (cosine at or above the threshold with a current memory
     * of the scope). Close memories go to the options' {@link ConsolidationPolicy}.
     */
    RememberResult remember(Scope scope, String text, RememberOptions options);

    /**
     * Replaces a current memory by a new fact without losing it: the old one is valid until now and names the new
     * one; the new one is valid from now. Recall returns the new one, and the old one {@link RecallOptions#asOf as of}
     * an earlier instant.
     *
     * @return the new memory (ADDED)
     */
    RememberResult supersede(String id, String text, RememberOptions options);

    /** The k memories of the scope best matching the query, by the default score. */
    List<MemoryHit> recall(Scope scope, String query, int k);

    List<MemoryHit> recall(Scope scope, String query, int k, RecallOptions options);

    /** A memory by id (current or superseded), unless it expired or was deleted. */
    Optional<MemoryItem> get(String id);

    /** One page of the scope's current memories in id order, starting after {@code cursor} (null: the first page). */
    Page<MemoryItem> list(Scope scope, String cursor, int limit);

    /** Every change of the memory, oldest first, each with the state it replaced. */
    List<MemoryVersion> history(String id);

    /**
     * Restores the state before the last {@code n} changes of the scope (newest first; changes already undone and
     * undos themselves are passed over). Each restore is a change of its own, logged and in the history.
     *
     * @return how many changes were undone (fewer than n when the scope has fewer)
     */
    int undo(Scope scope, int n);

    /** Deletes one memory (its history stays, so it can be undone); returns whether it existed. */
    boolean delete(String id);

    /**
     * Forgets everything of the scope in one transaction: its memories, their history (so nothing of it can be
     * restored) and the scope's work state. Logged as one delete per memory.
     *
     * @return how many memories were deleted
     */
    int forget(Scope scope);

    /**
     * Deletes the memories whose expiry has passed now (they are already invisible), logged with op {@code expire}.
     * The store's maintenance does this by itself; call it to do it now.
     *
     * @return how many were deleted
     */
    int expireNow();

    /** The default near-duplicate threshold of this store's model (see docs/MEMORY.md for how it was measured). */
    double nearDuplicateThreshold();

    /** This memory, with its changes recorded as made by {@code actor}. */
    Memory as(Actor actor);
}
