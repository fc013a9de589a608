package dev.litemem.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.litemem.Filter;
import dev.litemem.LiteMem;
import dev.litemem.Page;
import dev.litemem.client.wire.MemoryAnswers;
import dev.litemem.client.wire.MemoryBodies;
import dev.litemem.memory.MemoryItem;
import dev.litemem.memory.RecallOptions;
import dev.litemem.memory.RememberOptions;
import dev.litemem.memory.RememberResult;
import dev.litemem.memory.Scope;
import dev.litemem.work.JournalEntry;
import dev.litemem.work.StateEntry;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/** A tenant's agent memory, work state and journal (docs/MEMORY.md); every route needs the tenant's own key. */
final class MemoryRoutes {
    private static final String T = "/v1/tenants/{tenant}";
    private final Api api;
    private final Api.Limits limits;

    MemoryRoutes(Api api) {
        this.api = api;
        this.limits = api.limits;
    }

    void register(JavalinConfig config) {
        api.route(config, "POST", T + "/memories", this::remember);
        api.route(config, "GET", T + "/memories", this::list);
        api.route(config, "DELETE", T + "/memories", this::forget);
        api.route(config, "POST", T + "/memories/recall", this::recall);
        api.route(config, "POST", T + "/memories/undo", this::undo);
        api.route(config, "GET", T + "/memories/{id}", this::get);
        api.route(config, "GET", T + "/memories/{id}/history", this::history);
        api.route(config, "POST", T + "/memories/{id}/supersede", this::supersede);
        api.route(config, "GET", T + "/state/{key}", this::getState);
        api.route(config, "PUT", T + "/state/{key}", this::putState);
        api.route(config, "DELETE", T + "/state/{key}", this::deleteState);
        api.route(config, "POST", T + "/journal/{run}", this::append);
        api.route(config, "GET", T + "/journal/{run}", this::readJournal);
    }

    private <T> T body(Context ctx, Class<T> type) {
        JsonNode node = Bodies.readObject(ctx, limits.maxBodyBytes());
        try {
            return Bodies.JSON.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw Errors.invalidJson("the request body does not have the expected fields and types: see /openapi.json");
        }
    }

    private static Scope scope(String user, String agent, String session) {
        return Scope.of(user, agent, session);
    }

    private static Scope queryScope(Context ctx) {
        return scope(ctx.queryParam("user"), ctx.queryParam("agent"), ctx.queryParam("session"));
    }

    private static Instant instant(String value, String field) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw Errors.invalid(field, field + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
    }

    private static Duration seconds(Long value, String field) {
        if (value == null) {
            return null;
        }
        if (value < 1) {
            throw Errors.invalid(field, field + " must be at least 1");
        }
        return Duration.ofSeconds(value);
    }

    private LiteMem mem(TenantCache.Lease lease) {
        if (api.embedder == null) {
            throw Errors.invalid("memory", "this server has no embedder, and memories are embedded by the server:"
                    + " start it with a model");
        }
        return lease.mem();
    }

    // ---------------------------------------------------------------- memories

    private void remember(Context ctx) {
        String tenant = api.tenant(ctx, false);
        MemoryBodies.Remember b = body(ctx, MemoryBodies.Remember.class);
        if (b.text() != null && b.text().length() > limits.maxTextChars()) {
            throw Errors.tooLarge("text", "text has " + b.text().length() + " characters; at most "
                    + limits.maxTextChars() + " are allowed");
        }
        RememberOptions o = options(b.kind(), b.importance(), b.metadata(), b.ttlSeconds(), b.expiresAt());
        Scope scope = scope(b.user(), b.agent(), b.session());
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            RememberResult r = mem(lease).memory().remember(scope, b.text(), o);
            ctx.status(r.outcome() == RememberResult.Outcome.ADDED ? 201 : 200).json(MemoryAnswers.Remembered.of(r));
        }
    }

    private void supersede(Context ctx) {
        String tenant = api.tenant(ctx, false);
        MemoryBodies.Supersede b = body(ctx, MemoryBodies.Supersede.class);
        if (b.text() != null && b.text().length() > limits.maxTextChars()) {
            throw Errors.tooLarge("text", "text has " + b.text().length() + " characters; at most "
                    + limits.maxTextChars() + " are allowed");
        }
        RememberOptions o = options(b.kind(), b.importance(), b.metadata(), b.ttlSeconds(), b.expiresAt());
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            RememberResult r = mem(lease).memory().supersede(ctx.pathParam("id"), b.text(), o);
            ctx.status(r.outcome() == RememberResult.Outcome.ADDED ? 201 : 200).json(MemoryAnswers.Remembered.of(r));
        }
    }

    private static RememberOptions options(String kind, Double importance, java.util.Map<String, Object> metadata,
                                           Long ttlSeconds, String expiresAt) {
        RememberOptions o = RememberOptions.defaults();
        if (kind != null) {
            o = o.kind(kind);
        }
        if (importance != null) {
            o = o.importance(importance);
        }
        if (metadata != null) {
            o = o.metadata(metadata);
        }
        if (ttlSeconds != null) {
            o = o.ttl(seconds(ttlSeconds, "ttlSeconds"));
        }
        if (expiresAt != null) {
            o = o.expiresAt(instant(expiresAt, "expiresAt"));
        }
        return o;
    }

    private void recall(Context ctx) {
        String tenant = api.tenant(ctx, false);
        MemoryBodies.Recall b = body(ctx, MemoryBodies.Recall.class);
        int k = b.k() == null ? 5 : b.k();
        if (k < 1 || k > limits.maxK()) {
            throw Errors.invalid("k", "k must be between 1 and " + limits.maxK());
        }
        if (b.query() != null && b.query().length() > limits.maxTextChars()) {
            throw Errors.tooLarge("query", "query has more than " + limits.maxTextChars() + " characters");
        }
        RecallOptions o = RecallOptions.defaults();
        if (b.weights() != null) {
            if (b.weights().size() != 3 || b.weights().contains(null)) {
                throw Errors.invalid("weights", "weights must be three numbers: relevance, recency, importance");
            }
            o = o.weights(b.weights().get(0), b.weights().get(1), b.weights().get(2));
        }
        if (b.kinds() != null && !b.kinds().isEmpty()) {
            o = o.kinds(b.kinds().toArray(new String[0]));
        }
        if (b.where() != null && !b.where().isNull()) {
            o = o.filter(Filter.parse(b.where().toString()));
        }
        if (b.asOf() != null) {
            o = o.asOf(instant(b.asOf(), "asOf"));
        }
        // A tenant frozen for a move is read, not written: its recalls leave no access marks (docs/SCALE-OUT.md).
        if (Boolean.TRUE.equals(b.markAccessed()) && !api.freezes.isFrozen(tenant)) {
            o = o.markAccessed(true);
        }
        Scope scope = scope(b.user(), b.agent(), b.session());
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            ctx.json(new MemoryAnswers.Hits(mem(lease).memory().recall(scope, b.query(), k, o).stream()
                    .map(MemoryAnswers.Hit::of).toList()));
        }
    }

    private void list(Context ctx) {
        String tenant = api.tenant(ctx, false);
        Scope scope = queryScope(ctx);
        int limit = RecordRoutes.intParam(ctx, "limit", 100, 1, limits.maxListLimit());
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            Page<MemoryItem> page = mem(lease).memory().list(scope, ctx.queryParam("cursor"), limit);
            ctx.json(new MemoryAnswers.Page(page.items().stream().map(MemoryAnswers.Memory::of).toList(),
                    page.nextCursor()));
        }
    }

    private void forget(Context ctx) {
        String tenant = api.tenant(ctx, false);
        Scope scope = queryScope(ctx);
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            ctx.json(new MemoryAnswers.Count(null, mem(lease).memory().forget(scope)));
        }
    }

    private void undo(Context ctx) {
        String tenant = api.tenant(ctx, false);
        MemoryBodies.Undo b = body(ctx, MemoryBodies.Undo.class);
        Scope scope = scope(b.user(), b.agent(), b.session());
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            ctx.json(new MemoryAnswers.Count(mem(lease).memory().undo(scope, b.n() == null ? 1 : b.n()), null));
        }
    }

    private void get(Context ctx) {
        String tenant = api.tenant(ctx, false);
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            MemoryItem m = mem(lease).memory().get(ctx.pathParam("id")).orElseThrow(MemoryRoutes::memoryNotFound);
            ctx.json(MemoryAnswers.Memory.of(m));
        }
    }

    private void history(Context ctx) {
        String tenant = api.tenant(ctx, false);
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            ctx.json(new MemoryAnswers.History(mem(lease).memory().history(ctx.pathParam("id")).stream()
                    .map(MemoryAnswers.Version::of).toList()));
        }
    }

    private static dev.litemem.server.ServerException memoryNotFound() {
        return new dev.litemem.server.ServerException(404, "memory-not-found", null, "no such memory (or it expired)");
    }

    // ---------------------------------------------------------------- state and journal

    private void getState(Context ctx) {
        String tenant = api.tenant(ctx, false);
        Scope scope = queryScope(ctx);
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            StateEntry e = lease.mem().work().state(scope).get(ctx.pathParam("key")).orElseThrow(() ->
                    new dev.litemem.server.ServerException(404, "state-not-found", null, "no such state entry"));
            ctx.json(state(e));
        }
    }

    private void putState(Context ctx) {
        String tenant = api.tenant(ctx, false);
        Scope scope = queryScope(ctx);
        MemoryBodies.State b = body(ctx, MemoryBodies.State.class);
        if (b.value() == null) {
            throw Errors.invalid("value", "value is missing: give a JSON value");
        }
        if (b.expectedVersion() != null && b.ttlSeconds() != null) {
            throw Errors.invalid("ttlSeconds", "a compare-and-set cannot set ttlSeconds: write without expectedVersion");
        }
        String key = ctx.pathParam("key");
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            var state = lease.mem().work().state(scope);
            if (b.expectedVersion() != null) {
                Optional<StateEntry> written = state.compareAndSet(key, b.expectedVersion(), b.value().toString());
                ctx.json(state(written.orElseThrow(() -> Errors.conflict("expectedVersion", "the entry is not at"
                        + " version " + b.expectedVersion() + " any more: another writer got there first; read it"
                        + " again"))));
            } else if (b.ttlSeconds() != null) {
                ctx.json(state(state.put(key, b.value().toString(), seconds(b.ttlSeconds(), "ttlSeconds"))));
            } else {
                ctx.json(state(state.put(key, b.value().toString())));
            }
        }
    }

    private void deleteState(Context ctx) {
        String tenant = api.tenant(ctx, false);
        Scope scope = queryScope(ctx);
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            if (!lease.mem().work().state(scope).delete(ctx.pathParam("key"))) {
                throw new dev.litemem.server.ServerException(404, "state-not-found", null, "no such state entry");
            }
            ctx.status(204);
        }
    }

    private void append(Context ctx) {
        String tenant = api.tenant(ctx, false);
        MemoryBodies.JournalAppend b = body(ctx, MemoryBodies.JournalAppend.class);
        if (b.payload() == null) {
            throw Errors.invalid("payload", "payload is missing: give a JSON value");
        }
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            long seq = lease.mem().work().journal(ctx.pathParam("run")).append(b.type(), b.payload().toString());
            ctx.status(201).json(new MemoryAnswers.Appended(seq));
        }
    }

    private void readJournal(Context ctx) {
        String tenant = api.tenant(ctx, false);
        int limit = RecordRoutes.intParam(ctx, "limit", 100, 1, limits.maxListLimit());
        long after = longParam(ctx, "after");
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            List<JournalEntry> entries = lease.mem().work().journal(ctx.pathParam("run"))
                    .read(ctx.queryParam("type"), after, limit);
            ctx.json(new MemoryAnswers.Journal(entries.stream().map(e -> new MemoryAnswers.JournalEntry(e.seq(),
                    e.run(), e.type(), json(e.payload()), e.at().toString(), e.actor())).toList()));
        }
    }

    private static long longParam(Context ctx, String name) {
        String v = ctx.queryParam(name);
        try {
            long n = v == null ? 0 : Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw Errors.invalid(name, name + " must be a sequence number (0 or more)");
        }
    }

    private static MemoryAnswers.State state(StateEntry e) {
        return new MemoryAnswers.State(e.key(), json(e.value()), e.version(), e.updatedAt().toString(),
                e.expiresAt() == null ? null : e.expiresAt().toString());
    }

    private static JsonNode json(String stored) {
        try {
            return Bodies.JSON.readTree(stored);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored JSON value cannot be read", e);
        }
    }
}
