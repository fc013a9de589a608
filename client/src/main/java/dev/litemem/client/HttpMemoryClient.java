package dev.litemem.client;

import dev.litemem.client.wire.MemoryAnswers;
import dev.litemem.client.wire.MemoryBodies;
import dev.litemem.memory.ConsolidationPolicy;
import dev.litemem.memory.MemoryHit;
import dev.litemem.memory.MemoryItem;
import dev.litemem.memory.MemoryVersion;
import dev.litemem.memory.RememberOptions;
import dev.litemem.memory.RememberResult;
import dev.litemem.memory.Scope;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.litemem.Hit;
import dev.litemem.InvalidInputException;
import dev.litemem.LiteMemException;
import dev.litemem.Page;
import dev.litemem.Record;
import dev.litemem.StoreBusyException;
import dev.litemem.client.wire.DeleteResult;
import dev.litemem.client.wire.HitJson;
import dev.litemem.client.wire.HitList;
import dev.litemem.client.wire.ProblemJson;
import dev.litemem.client.wire.RecordJson;
import dev.litemem.client.wire.RecordList;
import dev.litemem.client.wire.SearchBody;
import dev.litemem.client.wire.UpsertBody;
import dev.litemem.client.wire.UpsertResult;
import dev.litemem.work.JournalEntry;
import dev.litemem.work.StateEntry;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A {@link MemoryClient} over one tenant of a LiteMem server, through java.net.http; the bodies are the server's own
 * wire types ({@link dev.litemem.client.wire}). Thread-safe.
 */
public final class HttpMemoryClient implements MemoryClient {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    /** The bookmark of this thread's last answer that carried one (docs/REPLICAS.md): what a replica waits for. */
    private static final ThreadLocal<String> LAST_BOOKMARK = new ThreadLocal<>();
    /** The request header that makes a write safe to send again (docs/SERVER.md, "Idempotent writes"). */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** How many times a write is sent at most by default: the first time and two retries with its key. */
    public static final int DEFAULT_ATTEMPTS = 3;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
    /** The Idempotency-Key the caller chose for this thread's next writes ({@link #withIdempotencyKey}). */
    private static final ThreadLocal<String> CALLER_KEY = new ThreadLocal<>();
    private final HttpClient http;
    private final String tenantUrl;
    private final String key;
    private final Duration timeout;
    private final int attempts;

    /**
     * @param tenantUrl the tenant's URL, for example {@code http://127.0.0.1:8080/v1/tenants/acme}
     * @param key       the tenant's key
     * @param timeout   for connecting, and for each request's answer
     */
    public HttpMemoryClient(URI tenantUrl, String key, Duration timeout) {
        this(tenantUrl, key, timeout, DEFAULT_ATTEMPTS);
    }

    /**
     * @param attempts how many times a write is sent at most (1: never again): each write carries an
     *                 {@code Idempotency-Key}, fresh per call unless {@link #withIdempotencyKey} gave one, and is sent
     *                 again with the same key when the server could not be reached or no answer came (a broken
     *                 connection, a timeout), or the server answered 409 {@code idempotency-key-in-flight}; the
     *                 server then answers the first request's answer and writes nothing twice. Waits 200 ms before the
     *                 first retry, doubling up to 2 s.
     */
    public HttpMemoryClient(URI tenantUrl, String key, Duration timeout, int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
        }
        String u = tenantUrl.toString();
        this.tenantUrl = u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
        this.key = key;
        this.timeout = timeout;
        this.attempts = attempts;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /**
     * Runs {@code call} with {@code idempotencyKey} on the writes it makes through this client from this thread,
     * instead of a fresh key per write: calling again with the same key (after a crash of the caller, say) gets the
     * first answer, and the server writes nothing twice. Give one write per key: a second, different write under the
     * same key is refused (422 {@code idempotency-key-reused}, an {@link InvalidInputException} of field
     * {@value #IDEMPOTENCY_KEY}). A key is 1 to 255 printable ASCII characters; a random UUID is best.
     */
    public <T> T withIdempotencyKey(String idempotencyKey, java.util.function.Supplier<T> call) {
        if (idempotencyKey == null || idempotencyKey.isEmpty() || idempotencyKey.length() > 255
                || !idempotencyKey.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
            throw new InvalidInputException(IDEMPOTENCY_KEY, "an idempotency key is 1 to 255 printable ASCII"
                    + " characters (a random UUID is best)");
        }
        String outer = CALLER_KEY.get();
        CALLER_KEY.set(idempotencyKey);
        try {
            return call.get();
        } finally {
            if (outer == null) {
                CALLER_KEY.remove();
            } else {
                CALLER_KEY.set(outer);
            }
        }
    }

    @Override
    public long put(String collection, List<Record> records) {
        UpsertBody body = new UpsertBody(records.stream().map(r -> RecordJson.of(r, true)).toList());
        return send("PUT", records(collection), body, UpsertResult.class).seq();
    }

    @Override
    public Optional<Record> get(String collection, String id) {
        return sendOrMissing("GET", records(collection) + "/" + encId(id) + "?vector=true", null, RecordJson.class)
                .map(RecordJson::toRecord);
    }

    @Override
    public boolean delete(String collection, String id) {
        return sendOrMissing("DELETE", records(collection) + "/" + encId(id), null, JsonNode.class).isPresent();
    }

    @Override
    public int deleteWhere(String collection, String whereJson) {
        return sendOrMissing("DELETE", records(collection) + "?where=" + enc(whereJson), null, DeleteResult.class)
                .map(DeleteResult::deleted).orElse(0);
    }

    @Override
    public Page<Record> list(String collection, String whereJson, String cursor, int limit) {
        StringBuilder url = new StringBuilder(records(collection)).append("?vectors=true&limit=").append(limit);
        if (whereJson != null) {
            url.append("&where=").append(enc(whereJson));
        }
        if (cursor != null) {
            url.append("&cursor=").append(enc(cursor));
        }
        return sendOrMissing("GET", url.toString(), null, RecordList.class)
                .map(page -> new Page<>(page.records().stream().map(RecordJson::toRecord).toList(), page.nextCursor()))
                .orElse(new Page<>(List.of(), null));
    }

    @Override
    public List<Hit> search(String collection, Query query) {
        JsonNode where = null;
        if (query.where() != null) {
            try {
                where = JSON.readTree(query.where());
            } catch (JsonProcessingException e) {
                throw new InvalidInputException("where", "the filter is not valid JSON");
            }
        }
        SearchBody body = new SearchBody(query.text(), query.vector(), query.k(), query.mode(), where, true);
        return sendOrMissing("POST", collectionUrl(collection) + "/search", body, HitList.class)
                .map(r -> r.hits().stream().map(HitJson::toHit).toList()).orElse(List.of());
    }

    @Override
    public RememberResult remember(Scope scope, String text, RememberOptions options) {
        if (options.policy() != ConsolidationPolicy.KEEP_BOTH || options.nearDuplicateThreshold() != null) {
            throw new InvalidInputException("policy", "a consolidation policy or threshold of its own runs only on an"
                    + " embedded store: the server consolidates with its defaults");
        }
        MemoryBodies.Remember body = new MemoryBodies.Remember(scope.user(), scope.agent(), scope.session(), text,
                options.kind(), options.importance(), options.metadata(),
                options.ttl() == null ? null : Math.max(1, options.ttl().toSeconds()),
                options.expiresAt() == null ? null : options.expiresAt().toString());
        return result(send("POST", tenantUrl + "/memories", body, MemoryAnswers.Remembered.class));
    }

    @Override
    public List<MemoryHit> recall(Scope scope, String query, int k) {
        MemoryBodies.Recall body = new MemoryBodies.Recall(scope.user(), scope.agent(), scope.session(), query, k,
                null, null, null, null, null);
        return send("POST", tenantUrl + "/memories/recall", body, MemoryAnswers.Hits.class).hits().stream()
                .map(h -> new MemoryHit(item(h.memory()), h.score(), h.relevance(), h.recency(), h.importance()))
                .toList();
    }

    @Override
    public int forget(Scope scope) {
        return send("DELETE", tenantUrl + "/memories" + scopeQuery(scope), null, MemoryAnswers.Count.class)
                .forgotten();
    }

    /** The scope as a query string ({@code ?user=..&agent=..}), or "" for none; {@code more} is appended. */
    private static String scopeQuery(Scope scope, String... more) {
        StringBuilder q = new StringBuilder();
        if (scope.user() != null) {
            q.append("&user=").append(enc(scope.user()));
        }
        if (scope.agent() != null) {
            q.append("&agent=").append(enc(scope.agent()));
        }
        if (scope.session() != null) {
            q.append("&session=").append(enc(scope.session()));
        }
        for (int i = 0; i + 1 < more.length; i += 2) {
            if (more[i + 1] != null) {
                q.append('&').append(more[i]).append('=').append(enc(more[i + 1]));
            }
        }
        return q.length() == 0 ? "" : "?" + q.substring(1);
    }

    @Override
    public Optional<MemoryItem> getMemory(String id) {
        return sendOrMissing("GET", tenantUrl + "/memories/" + enc(id), null, MemoryAnswers.Memory.class)
                .map(HttpMemoryClient::item);
    }

    @Override
    public Page<MemoryItem> listMemories(Scope scope, String cursor, int limit) {
        MemoryAnswers.Page page = send("GET", tenantUrl + "/memories" + scopeQuery(scope, "limit",
                String.valueOf(limit), "cursor", cursor), null, MemoryAnswers.Page.class);
        return new Page<>(page.memories().stream().map(HttpMemoryClient::item).toList(), page.nextCursor());
    }

    @Override
    public List<MemoryVersion> history(String memoryId) {
        return send("GET", tenantUrl + "/memories/" + enc(memoryId) + "/history", null, MemoryAnswers.History.class)
                .versions().stream().map(v -> new MemoryVersion(v.version(), v.memoryId(), v.op(), instant(v.at()),
                        v.actor(), v.before() == null ? null : item(v.before()),
                        v.after() == null ? null : item(v.after()), v.undoOf(), v.undoneBy())).toList();
    }

    @Override
    public int undo(Scope scope, int n) {
        return send("POST", tenantUrl + "/memories/undo",
                new MemoryBodies.Undo(scope.user(), scope.agent(), scope.session(), n), MemoryAnswers.Count.class)
                .undone();
    }

    @Override
    public RememberResult supersede(String memoryId, String text, RememberOptions options) {
        if (options.policy() != ConsolidationPolicy.KEEP_BOTH || options.nearDuplicateThreshold() != null) {
            throw new InvalidInputException("policy", "a consolidation policy or threshold of its own runs only on an"
                    + " embedded store: the server consolidates with its defaults");
        }
        MemoryBodies.Supersede body = new MemoryBodies.Supersede(text, options.kind(), options.importance(),
                options.metadata(), options.ttl() == null ? null : Math.max(1, options.ttl().toSeconds()),
                options.expiresAt() == null ? null : options.expiresAt().toString());
        return result(send("POST", tenantUrl + "/memories/" + enc(memoryId) + "/supersede", body,
                MemoryAnswers.Remembered.class));
    }

    private static RememberResult result(MemoryAnswers.Remembered r) {
        return new RememberResult(r.id(), RememberResult.Outcome.valueOf(r.outcome()), r.text(), r.previousText(),
                r.similarity());
    }

    @Override
    public Optional<StateEntry> getState(Scope scope, String key) {
        return sendOrMissing("GET", stateUrl(scope, key), null, MemoryAnswers.State.class).map(HttpMemoryClient::state);
    }

    @Override
    public StateEntry putState(Scope scope, String key, String json) {
        return state(send("PUT", stateUrl(scope, key), new MemoryBodies.State(tree(json, "value"), null, null),
                MemoryAnswers.State.class));
    }

    @Override
    public Optional<StateEntry> compareAndSetState(Scope scope, String key, long expectedVersion, String json) {
        try {
            return Optional.of(state(send("PUT", stateUrl(scope, key),
                    new MemoryBodies.State(tree(json, "value"), expectedVersion, null), MemoryAnswers.State.class)));
        } catch (Conflict c) {
            return Optional.empty(); // another writer got there first
        }
    }

    @Override
    public boolean deleteState(Scope scope, String key) {
        return sendOrMissing("DELETE", stateUrl(scope, key), null, JsonNode.class).isPresent();
    }

    private String stateUrl(Scope scope, String key) {
        return tenantUrl + "/state/" + enc(key) + scopeQuery(scope);
    }

    private static StateEntry state(MemoryAnswers.State s) {
        return new StateEntry(s.key(), s.value().toString(), s.version(), instant(s.updatedAt()),
                instant(s.expiresAt()));
    }

    @Override
    public long appendJournal(String run, String type, String payloadJson) {
        return send("POST", tenantUrl + "/journal/" + enc(run),
                new MemoryBodies.JournalAppend(type, tree(payloadJson, "payload")), MemoryAnswers.Appended.class).seq();
    }

    @Override
    public List<JournalEntry> readJournal(String run, String type, long afterSeq, int limit) {
        String query = "?after=" + afterSeq + "&limit=" + limit + (type == null ? "" : "&type=" + enc(type));
        return send("GET", tenantUrl + "/journal/" + enc(run) + query, null, MemoryAnswers.Journal.class).entries()
                .stream().map(e -> new JournalEntry(e.seq(), e.run(), e.type(), e.payload().toString(), instant(e.at()),
                        e.actor())).toList();
    }

    private static JsonNode tree(String json, String field) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(field, field + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** The bookmark answered to this thread's last request, or null; cleared by the call. */
    static String takeBookmark() {
        String b = LAST_BOOKMARK.get();
        LAST_BOOKMARK.remove();
        return b;
    }

    private static MemoryItem item(MemoryAnswers.Memory m) {
        return new MemoryItem(m.id(), m.text(), m.metadata(), Scope.of(m.user(), m.agent(), m.session()), m.kind(),
                m.importance(), instant(m.createdAt()), instant(m.updatedAt()), instant(m.lastAccessedAt()),
                instant(m.expiresAt()), instant(m.validFrom()), instant(m.validTo()), m.supersededBy());
    }

    private static java.time.Instant instant(String iso) {
        return iso == null ? null : java.time.Instant.parse(iso);
    }

    @Override
    public void close() {
        // java.net.http.HttpClient is closeable only from Java 21 on; its threads end when it is unreachable.
    }

    private String collectionUrl(String collection) {
        return tenantUrl + "/collections/" + enc(collection);
    }

    private String records(String collection) {
        return collectionUrl(collection) + "/records";
    }

    /** A record id in the path: every character escaped but '/', which the server's route accepts as it is. */
    private static String encId(String id) {
        return enc(id).replace("%2F", "/");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Sends the request; a 404 for a missing collection or record gives nothing, every other failure throws. */
    private <T> Optional<T> sendOrMissing(String method, String url, Object body, Class<T> answer) {
        try {
            return Optional.of(send(method, url, body, answer));
        } catch (Missing m) {
            return Optional.empty();
        }
    }

    private <T> T send(String method, String url, Object body, Class<T> answer) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Authorization", "Bearer " + key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(write(body)));
        if (body != null) {
            req.header("Content-Type", "application/json");
        }
        String idempotencyKey = isWrite(method, url) ? (CALLER_KEY.get() != null ? CALLER_KEY.get()
                : java.util.UUID.randomUUID().toString()) : null;
        if (idempotencyKey != null) {
            req.header(IDEMPOTENCY_KEY, sfString(idempotencyKey));
        }
        HttpRequest request = req.build();
        HttpResponse<byte[]> res;
        for (int attempt = 1; ; attempt++) {
            boolean last = idempotencyKey == null || attempt >= attempts;
            try {
                res = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                if (!last) {
                    pause(attempt, null); // the request may or may not have arrived: its key makes sending it again safe
                    continue;
                }
                throw new LiteMemException("the LiteMem server at " + tenantUrl + " cannot be reached: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LiteMemException("interrupted while waiting for the LiteMem server", e);
            }
            if (!last && res.statusCode() == 409 && "idempotency-key-in-flight".equals(problem(res.body()).title())) {
                pause(attempt, res.headers().firstValue("Retry-After").orElse(null));
                continue;
            }
            break;
        }
        int status = res.statusCode();
        LAST_BOOKMARK.set(res.headers().firstValue(Bookmark.HEADER).orElse(null));
        if (status < 300) {
            try {
                return res.body().length == 0 ? JSON.readValue("{}", answer) : JSON.readValue(res.body(), answer);
            } catch (IOException e) {
                throw new LiteMemException("the LiteMem server answered " + status + " with a body this client cannot"
                        + " read (" + answer.getSimpleName() + "): is the URI a LiteMem server's?", e);
            }
        }
        throw failure(status, problem(res.body()));
    }

    /** Whether the request changes the tenant: every method but GET, except the searches (POST, but reads). */
    private static boolean isWrite(String method, String url) {
        String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        return !method.equals("GET") && !path.endsWith("/search") && !path.endsWith("/memories/recall");
    }

    /** The key as an RFC 8941 sf-string, as the header's draft defines it. */
    private static String sfString(String key) {
        return "\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Waits before sending a write again: Retry-After's seconds when given, else 200 ms doubling up to 2 s. */
    private static void pause(int attempt, String retryAfter) {
        long millis = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 10));
        if (retryAfter != null) {
            try {
                millis = Math.min(Long.parseLong(retryAfter.trim()) * 1000, 10_000);
            } catch (NumberFormatException e) {
                // An HTTP date or garbage: the backoff above.
            }
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LiteMemException("interrupted while waiting to send a write again", e);
        }
    }

    private static byte[] write(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new LiteMemException("cannot write the request as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The problem in an error answer; an answer that is no problem+json (a proxy's, say) gives an empty one. */
    private static ProblemJson problem(byte[] body) {
        try {
            ProblemJson p = body.length == 0 ? null : JSON.readValue(body, ProblemJson.class);
            return p != null ? p : new ProblemJson(null, null, 0, null, null);
        } catch (IOException e) {
            return new ProblemJson(null, null, 0, null, null);
        }
    }

    private static RuntimeException failure(int status, ProblemJson p) {
        String type = p.title() != null ? p.title() : "unknown";
        String detail = p.detail() != null ? p.detail() : "the server answered " + status;
        if (status == 404 && (type.equals("collection-not-found") || type.equals("record-not-found")
                || type.equals("memory-not-found") || type.equals("state-not-found"))) {
            return new Missing();
        }
        if (status == 409 && type.equals("conflict")) {
            return new Conflict();
        }
        if (status == 400 || status == 413 || status == 422) {
            return new InvalidInputException(p.field(), detail);
        }
        if (status == 503) {
            return new StoreBusyException(detail, null);
        }
        return new LiteMemException("the LiteMem server refused the request (" + status + " " + type + "): " + detail);
    }

    private static final class Conflict extends LiteMemException {
        Conflict() {
            super("another writer got there first");
        }
    }

    private static final class Missing extends RuntimeException {
        Missing() {
            super(null, null, false, false);
        }
    }
}
