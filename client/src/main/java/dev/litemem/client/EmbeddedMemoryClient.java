package dev.litemem.client;

import dev.litemem.memory.MemoryHit;
import dev.litemem.memory.MemoryItem;
import dev.litemem.memory.MemoryVersion;
import dev.litemem.memory.RememberOptions;
import dev.litemem.memory.RememberResult;
import dev.litemem.memory.Scope;
import dev.litemem.Collection;
import dev.litemem.CollectionInfo;
import dev.litemem.Filter;
import dev.litemem.Hit;
import dev.litemem.LiteMem;
import dev.litemem.Page;
import dev.litemem.Record;
import dev.litemem.SearchRequest;
import dev.litemem.work.JournalEntry;
import dev.litemem.work.StateEntry;
import java.util.List;
import java.util.Optional;

/** A {@link MemoryClient} over a LiteMem file in this process. */
public final class EmbeddedMemoryClient implements MemoryClient {
    private final LiteMem mem;
    private final boolean owned;

    /** Uses an open store; closing the client leaves it open when {@code owned} is false. */
    public EmbeddedMemoryClient(LiteMem mem, boolean owned) {
        this.mem = mem;
        this.owned = owned;
    }

    @Override
    public long put(String collection, List<Record> records) {
        return mem.collection(collection).upsertAll(records);
    }

    @Override
    public Optional<Record> get(String collection, String id) {
        return existing(collection).flatMap(c -> c.get(id));
    }

    @Override
    public boolean delete(String collection, String id) {
        return existing(collection).map(c -> c.delete(id)).orElse(false);
    }

    @Override
    public int deleteWhere(String collection, String whereJson) {
        Filter filter = Filter.parse(whereJson);
        return existing(collection).map(c -> c.deleteWhere(filter)).orElse(0);
    }

    @Override
    public Page<Record> list(String collection, String whereJson, String cursor, int limit) {
        Filter filter = whereJson == null ? null : Filter.parse(whereJson);
        return existing(collection).map(c -> c.list(filter, cursor, limit)).orElse(new Page<>(List.of(), null));
    }

    @Override
    public List<Hit> search(String collection, Query query) {
        // Hits carry their vectors, as over HTTP (HttpMemoryClient asks for them).
        SearchRequest request = (query.text() != null ? SearchRequest.text(query.text()) : SearchRequest.vector(query.vector()))
                .k(query.k()).includeVectors(true);
        if (query.mode() != null) {
            request.mode(dev.litemem.SearchMode.fromId(query.mode()));
        }
        if (query.where() != null) {
            request.where(Filter.parse(query.where()));
        }
        return existing(collection).map(c -> c.search(request)).orElse(List.of());
    }

    private Optional<Collection> existing(String name) {
        for (CollectionInfo info : mem.collections()) {
            if (info.name().equals(name)) {
                return Optional.of(mem.collection(name));
            }
        }
        return Optional.empty();
    }

    @Override
    public RememberResult remember(Scope scope, String text, RememberOptions options) {
        return mem.memory().remember(scope, text, options);
    }

    @Override
    public List<MemoryHit> recall(Scope scope, String query, int k) {
        return mem.memory().recall(scope, query, k);
    }

    @Override
    public int forget(Scope scope) {
        return mem.memory().forget(scope);
    }

    @Override
    public Optional<MemoryItem> getMemory(String id) {
        return mem.memory().get(id);
    }

    @Override
    public Page<MemoryItem> listMemories(Scope scope, String cursor, int limit) {
        return mem.memory().list(scope, cursor, limit);
    }

    @Override
    public List<MemoryVersion> history(String memoryId) {
        return mem.memory().history(memoryId);
    }

    @Override
    public int undo(Scope scope, int n) {
        return mem.memory().undo(scope, n);
    }

    @Override
    public RememberResult supersede(String memoryId, String text, RememberOptions options) {
        return mem.memory().supersede(memoryId, text, options);
    }

    @Override
    public Optional<StateEntry> getState(Scope scope, String key) {
        return mem.work().state(scope).get(key);
    }

    @Override
    public StateEntry putState(Scope scope, String key, String json) {
        return mem.work().state(scope).put(key, json);
    }

    @Override
    public Optional<StateEntry> compareAndSetState(Scope scope, String key, long expectedVersion, String json) {
        return mem.work().state(scope).compareAndSet(key, expectedVersion, json);
    }

    @Override
    public boolean deleteState(Scope scope, String key) {
        return mem.work().state(scope).delete(key);
    }

    @Override
    public long appendJournal(String run, String type, String payloadJson) {
        return mem.work().journal(run).append(type, payloadJson);
    }

    @Override
    public List<JournalEntry> readJournal(String run, String type, long afterSeq, int limit) {
        return mem.work().journal(run).read(type, afterSeq, limit);
    }

    @Override
    public void close() {
        if (owned) {
            mem.close();
        }
    }
}
