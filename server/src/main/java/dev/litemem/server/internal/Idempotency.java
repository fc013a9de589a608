package dev.litemem.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.litemem.server.ServerException;
import dev.litemem.work.Work;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code Idempotency-Key} request header on a tenant's write routes (docs/SERVER.md, "Idempotent writes"; the IETF
 * httpapi draft "The Idempotency-Key HTTP Header Field"). The first request with a key runs as usual, its writes and
 * its answer (status, body, Content-Type, Location) committed in ONE transaction of the tenant's file
 * ({@link Work#onceDeferred}: opened at the route's first write, so embedding holds no lock); a retry with the same
 * key and the same request gets that answer again, marked {@value #REPLAYED}, with no second effect. The key is
 * scoped to the tenant (its file) and to the caller's bearer key.
 */
final class Idempotency {
    static final String HEADER = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";
    /** The request attribute holding a body read here to fingerprint it; {@link Bodies#readBytes} answers from it. */
    static final String BODY_READ = "litemem.idempotency.body";
    static final int MAX_KEY_CHARS = 255;
    private static final int FORMAT = 1;

    private final Api api;
    private volatile Duration ttl = Duration.ofHours(24);
    /** Keys (tenant, stored key) of requests running now in this process: a second one gets 409. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    Idempotency(Api api) {
        this.api = api;
    }

    void ttl(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("the idempotency key time to live must be positive, was " + ttl);
        }
        this.ttl = ttl;
    }

    /** Runs {@code handler} for a request that carries the header (the caller checked it is there). */
    void handle(Context ctx, String method, String path, Handler handler) throws Exception {
        String tenant = api.tenant(ctx, false); // 401/404 as the route itself would answer, before the key is judged
        String key = parse(ctx.header(HEADER));
        String fingerprint = fingerprint(ctx, method, path);
        String stored = "http " + HexFormat.of().formatHex(TenantKeys.sha256(Api.bearer(ctx)), 0, 8) + " " + key;
        String flight = tenant + "\n" + stored;
        if (!inFlight.add(flight)) {
            ctx.header("Retry-After", "1");
            throw new ServerException(409, "idempotency-key-in-flight", HEADER, "a request with this Idempotency-Key"
                    + " is still being processed: retry it with the same key once that one is answered (it then gets"
                    + " the same answer)");
        }
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            Work.Once<Answer> once = lease.mem().work().onceDeferred(stored, ttl, () -> {
                handler.handle(ctx);
                return Answer.of(ctx);
            }, answer -> {
                // The route's writes are made, not committed; the answer is stored next, in the same transaction.
                CrashPoints.reached("idempotent-before-commit");
                return answer.status() < 400 ? answer.json(fingerprint) : null;
            });
            if (once.repeated()) {
                replay(ctx, once.result(), fingerprint);
            } else {
                CrashPoints.reached("idempotent-committed"); // the writes and the answer committed; not sent yet
            }
        } finally {
            inFlight.remove(flight);
        }
    }

    /**
     * The key of the header: an sf-string ({@code "..."}: printable ASCII, {@code \"} and {@code \\} escaped) as the
     * draft defines it, or, for clients that send it bare, the same characters without quotes; 1 to
     * {@value #MAX_KEY_CHARS} characters.
     */
    static String parse(String header) {
        String v = header.strip();
        String key;
        if (v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"') {
            StringBuilder b = new StringBuilder();
            for (int i = 1; i < v.length() - 1; i++) {
                char c = v.charAt(i);
                if (c == '\\') {
                    if (i + 1 >= v.length() - 1 || (v.charAt(i + 1) != '"' && v.charAt(i + 1) != '\\')) {
                        throw malformed();
                    }
                    c = v.charAt(++i);
                } else if (c == '"' || c < 0x20 || c > 0x7e) {
                    throw malformed();
                }
                b.append(c);
            }
            key = b.toString();
        } else {
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c <= 0x20 || c > 0x7e || c == '"' || c == '\\') {
                    throw malformed();
                }
            }
            key = v;
        }
        if (key.isEmpty() || key.length() > MAX_KEY_CHARS) {
            throw malformed();
        }
        return key;
    }

    private static ServerException malformed() {
        return Errors.invalid(HEADER, "the Idempotency-Key header must be a string of 1 to " + MAX_KEY_CHARS
                + " printable ASCII characters, quoted as an sf-string (RFC 8941) such as"
                + " \"8e03978e-40d5-43e8-bc93-6894a57f9324\" (a random UUID is best), or the same characters bare");
    }

    /**
     * What makes two requests the same: method, route, path parameters, query string and the SHA-256 of the body (of
     * a multipart body: of each file part's name, file name and content, and each field, by name).
     */
    private String fingerprint(Context ctx, String method, String path) throws Exception {
        MessageDigest d = sha256();
        d.update((method + " " + path + "\n").getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, String> p : new TreeMap<>(ctx.pathParamMap()).entrySet()) {
            d.update((p.getKey() + "=" + p.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String query = ctx.queryString();
        d.update(("?" + (query == null ? "" : query) + "\n").getBytes(StandardCharsets.UTF_8));
        String contentType = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(java.util.Locale.ROOT);
        if (contentType.startsWith("multipart/form-data")) {
            Bodies.checkDeclaredLength(ctx, api.limits.maxBodyBytes());
            Map<String, java.util.List<io.javalin.http.UploadedFile>> files;
            Map<String, java.util.List<String>> fields;
            try {
                files = new TreeMap<>(ctx.uploadedFileMap());
                fields = new TreeMap<>(ctx.formParamMap());
            } catch (Exception e) {
                // Jetty's ServletException (over the size limit, or malformed), thrown undeclared through Kotlin.
                ctx.header("Connection", "close");
                throw Errors.invalid("file", "the multipart body cannot be read: it is malformed, or larger than "
                        + api.limits.maxBodyBytes() + " bytes");
            }
            for (Map.Entry<String, java.util.List<io.javalin.http.UploadedFile>> part : files.entrySet()) {
                for (io.javalin.http.UploadedFile file : part.getValue()) {
                    d.update(("file " + part.getKey() + " " + file.filename() + "\n").getBytes(StandardCharsets.UTF_8));
                    try (java.io.InputStream in = file.content()) {
                        d.update(sha256().digest(in.readAllBytes()));
                    }
                }
            }
            for (Map.Entry<String, java.util.List<String>> field : fields.entrySet()) {
                d.update(("field " + field.getKey() + " " + field.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } else {
            byte[] body = Bodies.readBytes(ctx, api.limits.maxBodyBytes());
            ctx.attribute(BODY_READ, body);
            d.update(sha256().digest(body));
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static void replay(Context ctx, String stored, String fingerprint) {
        JsonNode a;
        try {
            a = Bodies.JSON.readTree(stored);
        } catch (java.io.IOException e) {
            throw new ServerException("a stored idempotent answer cannot be read", e);
        }
        if (a.path("format").asInt() != FORMAT || !a.has("fingerprint")) {
            throw Errors.conflict(HEADER, "this Idempotency-Key was used by other work of this tenant: use a new key");
        }
        if (!a.get("fingerprint").asText().equals(fingerprint)) {
            throw new ServerException(422, "idempotency-key-reused", HEADER, "this Idempotency-Key was used with another"
                    + " request (another route, path, query or body): a key stands for one request; send a new key for"
                    + " a new request");
        }
        ctx.status(a.get("status").asInt());
        ctx.header(REPLAYED, "true");
        if (a.hasNonNull("location")) {
            ctx.header("Location", a.get("location").asText());
        }
        if (a.hasNonNull("contentType")) {
            ctx.contentType(a.get("contentType").asText());
        }
        ctx.result(a.hasNonNull("body") ? a.get("body").asText() : "");
    }

    /** A route's answer as it will be sent, kept for the key. */
    record Answer(int status, String contentType, String location, String body) {
        static Answer of(Context ctx) {
            return new Answer(ctx.statusCode(), ctx.res().getContentType(), ctx.res().getHeader("Location"),
                    ctx.result());
        }

        String json(String fingerprint) {
            ObjectNode o = Bodies.JSON.createObjectNode();
            o.put("format", FORMAT);
            o.put("fingerprint", fingerprint);
            o.put("status", status);
            o.put("contentType", contentType);
            o.put("location", location);
            o.put("body", body);
            return o.toString();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
