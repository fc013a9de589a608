package dev.litemem.work;

import dev.litemem.Actor;
import dev.litemem.memory.Scope;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * An agent's work in progress in a LiteMem file ({@link dev.litemem.LiteMem#work()}). Every change is in the file's
 * change log (entities {@value #STATE}, {@value #JOURNAL}, {@value #IDEMPOTENCY}) in the transaction that makes it,
 * and calls made inside {@link dev.litemem.LiteMem#inTransaction} (or inside {@link #once}) commit or roll back with
 * it, memory writes included. Thread-safe.
 */
public interface Work {
    /** The change log's entity of a state entry (its key: the JSON array {@code [user, agent, session, key]}). */
    String STATE = "state";
    /** The change log's entity of a journal entry (its key: the run). */
    String JOURNAL = "journal";
    /** The change log's entity of an idempotency key. */
    String IDEMPOTENCY = "idempotency";
    /** How long {@link #once(String, Callable)} keeps a key. */
    Duration DEFAULT_KEY_TTL = Duration.ofDays(1);

    /** The versioned key-value state of a scope (exactly that scope). */
    WorkState state(Scope scope);

    /** The append-only journal of a run (a session, a task: any id of the application's). */
    Journal journal(String run);

    /** {@link #once(String, Duration, Callable)} keeping the key for {@link #DEFAULT_KEY_TTL}. */
    String once(String key, Callable<String> work);

    /**
     * Runs {@code work} once per key: in one write transaction with the storing of its result, so that the work's own
     * writes to this file (collections, memory, state, journal, your tables through {@code inTransaction}) and the
     * key commit together or not at all, also across a crash. The same key again, within {@code ttl}, returns the
     * stored result without running the work. The work holds the file's write lock while it runs: keep it to this
     * file's writes and quick computations (call slow services before, and pass their answers in).
     *
     * @return the work's result (any text; JSON is usual), or the one stored for the key
     */
    String once(String key, Duration ttl, Callable<String> work);

    /**
     * {@link #once(String, Duration, Callable)} for work that prepares before it writes (embeds text, asks a model):
     * <ol>
     *   <li>the key is looked up; a result stored for it is returned ({@link Once#repeated()}) and nothing runs;</li>
     *   <li>otherwise the work runs with every write it makes to this file from this thread deferred into ONE
     *       transaction, opened at its first write (so what it does before holds no lock), where the key is looked up
     *       again: a result stored meanwhile (by another process) ends the work, its writes rolled back, and is
     *       returned;</li>
     *   <li>after the work returned, {@code result} renders its value into the text stored for the key, in that same
     *       transaction, which then commits: the work's writes and the key together or not at all, also across a
     *       crash. A null rendering stores no key (the writes still commit).</li>
     * </ol>
     * If the work throws, nothing of it is stored and the exception propagates. Each write inside the work behaves as
     * it would alone (it runs in a savepoint: one that fails undoes only itself).
     */
    <T, X extends Exception> Once<T> onceDeferred(String key, Duration ttl, Step<T, X> work, Function<T, String> result)
            throws X;

    /** The result stored for {@code key}, if any and not expired; a read, no lock taken. */
    Optional<String> stored(String key);

    /** Work that may throw a checked exception: {@link #onceDeferred}'s. */
    @FunctionalInterface
    interface Step<T, X extends Exception> {
        T run() throws X;
    }

    /**
     * What {@link #onceDeferred} did: ran the work ({@code value} and the {@code result} stored for it, null if none)
     * or found the key's result stored before ({@code repeated}, {@code value} null).
     */
    record Once<T>(T value, String result, boolean repeated) {
    }

    /**
     * Deletes state entries and idempotency keys whose time ran out (they are already invisible), logged with op
     * {@code expire}. The store's maintenance does this by itself about once a minute.
     *
     * @return how many were deleted
     */
    int expireNow();

    /** This work state, with its changes recorded as made by {@code actor}. */
    Work as(Actor actor);
}
