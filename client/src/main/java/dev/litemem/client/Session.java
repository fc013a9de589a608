package dev.litemem.client;

import dev.litemem.Hit;
import dev.litemem.Page;
import dev.litemem.Record;
import dev.litemem.memory.MemoryHit;
import dev.litemem.memory.MemoryItem;
import dev.litemem.memory.MemoryVersion;
import dev.litemem.memory.RememberOptions;
import dev.litemem.memory.RememberResult;
import dev.litemem.memory.Scope;
import dev.litemem.work.JournalEntry;
import dev.litemem.work.StateEntry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A sequence of calls through a {@link Replica} that sees its own history in order, like D1's Sessions API: it carries
 * the newest {@link Bookmark} it has seen (its writes', and any given to it), and each read first waits, up to the
 * timeout, until the replica has reached it. Hand {@link #bookmark()} to another process's session to continue there.
 * Thread-safe; meant for one logical conversation or task.
 */
public final class Session implements MemoryClient {
    private final Replica replica;
    private final Duration timeout;
    private volatile Bookmark latest;

    Session(Replica replica, Bookmark start, Duration timeout) {
        this.replica = replica;
        this.latest = start;
        this.timeout = timeout;
    }

    /** The newest bookmark this session has seen, or null. */
    public Bookmark bookmark() {
        return latest;
    }

    /** Moves the session to {@code bookmark} if it is newer (a bookmark from elsewhere). */
    public synchronized void observe(Bookmark bookmark) {
        if (bookmark != null) {
            latest = bookmark.latest(latest);
        }
    }

    private void caughtUp() {
        replica.await(latest, timeout);
    }

    private <T> T wrote(T result) {
        observe(Replica.lastBookmark());
        return result;
    }

    @Override
    public long put(String collection, List<Record> records) {
        return wrote(replica.put(collection, records));
    }

    @Override
    public Optional<Record> get(String collection, String id) {
        caughtUp();
        return replica.get(collection, id);
    }

    @Override
    public boolean delete(String collection, String id) {
        return wrote(replica.delete(collection, id));
    }

    @Override
    public int deleteWhere(String collection, String whereJson) {
        return wrote(replica.deleteWhere(collection, whereJson));
    }

    @Override
    public Page<Record> list(String collection, String whereJson, String cursor, int limit) {
        caughtUp();
        return replica.list(collection, whereJson, cursor, limit);
    }

    @Override
    public List<Hit> search(String collection, Query query) {
        caughtUp();
        return replica.search(collection, query);
    }

    @Override
    public RememberResult remember(Scope scope, String text, RememberOptions options) {
        return wrote(replica.remember(scope, text, options));
    }

    @Override
    public List<MemoryHit> recall(Scope scope, String query, int k) {
        return replica.recall(scope, query, k);
    }

    @Override
    public int forget(Scope scope) {
        return wrote(replica.forget(scope));
    }

    @Override
    public Optional<MemoryItem> getMemory(String id) {
        return replica.getMemory(id);
    }

    @Override
    public Page<MemoryItem> listMemories(Scope scope, String cursor, int limit) {
        return replica.listMemories(scope, cursor, limit);
    }

    @Override
    public List<MemoryVersion> history(String memoryId) {
        return replica.history(memoryId);
    }

    @Override
    public int undo(Scope scope, int n) {
        return wrote(replica.undo(scope, n));
    }

    @Override
    public RememberResult supersede(String memoryId, String text, RememberOptions options) {
        return wrote(replica.supersede(memoryId, text, options));
    }

    @Override
    public Optional<StateEntry> getState(Scope scope, String key) {
        return replica.getState(scope, key);
    }

    @Override
    public StateEntry putState(Scope scope, String key, String json) {
        return wrote(replica.putState(scope, key, json));
    }

    @Override
    public Optional<StateEntry> compareAndSetState(Scope scope, String key, long expectedVersion, String json) {
        return wrote(replica.compareAndSetState(scope, key, expectedVersion, json));
    }

    @Override
    public boolean deleteState(Scope scope, String key) {
        return wrote(replica.deleteState(scope, key));
    }

    @Override
    public long appendJournal(String run, String type, String payloadJson) {
        return wrote(replica.appendJournal(run, type, payloadJson));
    }

    @Override
    public List<JournalEntry> readJournal(String run, String type, long afterSeq, int limit) {
        return replica.readJournal(run, type, afterSeq, limit);
    }

    /** A session is a view: closing it leaves the replica open. */
    @Override
    public void close() {
    }
}
