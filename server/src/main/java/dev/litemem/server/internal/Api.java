package dev.litemem.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.litemem.CollectionInfo;
import dev.litemem.IncompatibleFileException;
import dev.litemem.InvalidInputException;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemException;
import dev.litemem.StoreBusyException;
import dev.litemem.client.wire.CollectionJson;
import dev.litemem.client.wire.Health;
import dev.litemem.client.wire.NewTenant;
import dev.litemem.client.wire.ProblemJson;
import dev.litemem.client.wire.TenantBody;
import dev.litemem.client.wire.TenantList;
import dev.litemem.client.wire.TenantStats;
import dev.litemem.server.ServerException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API: authentication, problem+json errors, request metrics, and the health, metrics, OpenAPI and tenant
 * routes ({@link RecordRoutes} has the collection routes). Every route is registered through {@link #route} so the
 * route table can be checked against openapi.json.
 */
public final class Api {
    public static final String PROBLEM_JSON = "application/problem+json";
    private static final Logger LOG = LoggerFactory.getLogger(Api.class);

    /** A registered route: the method and the path template as written in openapi.json. */
    public record Route(String method, String path) {
    }

    final Limits limits;
    final TenantKeys keys;
    final TenantCache cache;
    final Tenants tenants;
    final DataFolder folder;
    final Metrics metrics;
    final MeteredEmbedder embedder;
    /** Searches and recalls running at once (docs/CONCURRENCY.md, "Search admission"). */
    final MeteredPermits searches;
    final Freezes freezes;
    final Idempotency idempotency = new Idempotency(this);
    private final byte[] adminKeyHash;
    private final List<Route> routes = new ArrayList<>();
    private volatile boolean ready;
    private volatile java.time.Duration replicaHold = java.time.Duration.ofHours(1);

    /**
     * The limits on what one request may ask; {@code maxDocumentChars} and {@code maxDocumentPages} bound a document's
     * extracted text and PDF pages before any of it is embedded (its chunks are bounded by {@code maxBatch}).
     */
    public record Limits(long maxBodyBytes, int maxBatch, int maxK, int maxTextChars, int maxListLimit,
                         int maxDocumentChars, int maxDocumentPages) {
    }

    public Api(Limits limits, DataFolder folder, String adminKey, dev.litemem.Embedder embedder, int maxConcurrentEmbeds,
               int maxConcurrentSearches, int maxOpenTenants, long maxOpenTenantBytes, int readersPerTenant,
               dev.litemem.Durability durability) {
        this(limits, folder, adminKey, embedder, maxConcurrentEmbeds, maxConcurrentSearches, maxOpenTenants,
                maxOpenTenantBytes, readersPerTenant, durability, true);
    }

    /** @param logBound whether the tenant cache logs its bound (not for the {@link WarmUp}'s scratch server) */
    Api(Limits limits, DataFolder folder, String adminKey, dev.litemem.Embedder embedder, int maxConcurrentEmbeds,
        int maxConcurrentSearches, int maxOpenTenants, long maxOpenTenantBytes, int readersPerTenant,
        dev.litemem.Durability durability, boolean logBound) {
        this.limits = limits;
        this.folder = folder;
        this.keys = new TenantKeys(folder.tenants());
        this.embedder = embedder == null ? null : new MeteredEmbedder(embedder, maxConcurrentEmbeds);
        this.searches = new MeteredPermits(maxConcurrentSearches);
        dev.litemem.LiteMemOptions.Builder options = dev.litemem.LiteMemOptions.builder()
                .readerConnections(readersPerTenant).durability(durability).actor("litemem-server")
                // A tenant's file exists from its creation on: missing or empty later means damaged, never "start over".
                .createIfMissing(false);
        if (this.embedder != null) {
            options.embedder(this.embedder);
        } else {
            options.useBundledEmbedder(false);
        }
        this.cache = new TenantCache(keys, options.build(), maxOpenTenants, maxOpenTenantBytes, 1 + readersPerTenant,
                FileDescriptors.probe(1 + readersPerTenant), logBound);
        this.tenants = new Tenants(folder, keys, cache, creationOptions(durability));
        this.metrics = new Metrics(cache, this.embedder, searches);
        this.freezes = new Freezes(folder.root().resolve(".frozen"));
        this.adminKeyHash = TenantKeys.sha256(adminKey);
    }

    /** How a new tenant's store is created: only its schema is written, nothing embedded or indexed. */
    public static dev.litemem.LiteMemOptions creationOptions(dev.litemem.Durability durability) {
        return dev.litemem.LiteMemOptions.builder().durability(durability).readerConnections(1)
                .useBundledEmbedder(false).backgroundIndexing(false).createIfMissing(true).build();
    }

    /** The bound on open tenants in force (the configured one, or lower where file descriptors are fewer). */
    public int maxOpenTenants() {
        return cache.maxOpen();
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** How long the change log is held for a replica not heard of (docs/REPLICAS.md). */
    public void replicaHold(java.time.Duration hold) {
        this.replicaHold = hold;
    }

    /** How long an {@code Idempotency-Key} and its answer are kept (docs/SERVER.md, "Idempotent writes"). */
    public void idempotencyKeyTtl(java.time.Duration ttl) {
        idempotency.ttl(ttl);
    }

    java.time.Duration replicaHold() {
        return replicaHold;
    }

    public void markReady() {
        ready = true;
    }

    /** Closes every open tenant file. */
    public void close() {
        ready = false;
        cache.close();
    }

    /** Registers every route and the error handlers on a Javalin configuration. */
    public void configure(JavalinConfig config) {
        // Answers are the wire types of litemem-client (dev.litemem.client.wire), written by the server's one mapper.
        config.jsonMapper(new JavalinJackson(Bodies.JSON, false));
        long maxBody = limits.maxBodyBytes();
        config.jetty.multipartConfig.maxTotalRequestSize(maxBody, io.javalin.config.SizeUnit.BYTES);
        config.jetty.multipartConfig.maxFileSize(maxBody, io.javalin.config.SizeUnit.BYTES);
        config.jetty.multipartConfig.maxInMemoryFileSize((int) Math.min(maxBody, 1 << 20), io.javalin.config.SizeUnit.BYTES);
        // Uploads larger than 1 MiB wait in the owner-only export folder while they are read.
        config.jetty.multipartConfig.cacheDirectory(folder.exports().toAbsolutePath().toString());
        route(config, "GET", "/health", this::health);
        route(config, "GET", "/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        route(config, "GET", "/openapi.json", this::openApi);
        route(config, "POST", "/v1/tenants", this::createTenant);
        route(config, "GET", "/v1/tenants", this::listTenants);
        route(config, "GET", "/v1/tenants/{tenant}", this::tenantStats);
        route(config, "DELETE", "/v1/tenants/{tenant}", this::deleteTenant);
        route(config, "GET", "/v1/tenants/{tenant}/export", this::export);
        // Moving a tenant between nodes (docs/SCALE-OUT.md): create by path (routable by a proxy), freeze, digest, import.
        route(config, "PUT", "/v1/tenants/{tenant}", this::createTenantByPath);
        route(config, "PUT", "/v1/tenants/{tenant}/freeze", this::freeze);
        route(config, "DELETE", "/v1/tenants/{tenant}/freeze", this::thaw);
        route(config, "GET", "/v1/tenants/{tenant}/freeze", this::frozen);
        route(config, "GET", "/v1/tenants/{tenant}/digest", this::digest);
        route(config, "PUT", "/v1/tenants/{tenant}/import", this::importSnapshot);
        new RecordRoutes(this).register(config);
        new LedgerRoutes(this).register(config);
        new MemoryRoutes(this).register(config);
        new ReplicaRoutes(this).register(config);
        config.routes.error(404, "*", ctx -> {
            if (!PROBLEM_JSON.equals(ctx.res().getContentType())) {
                problem(ctx, new ServerException(404, "not-found", null, "no such route: see /openapi.json"));
            }
        });
        config.routes.error(405, "*", ctx -> problem(ctx, new ServerException(405, "method-not-allowed", null,
                "this route does not accept this method: see /openapi.json")));
        config.routes.exception(Exception.class, (e, ctx) -> problem(ctx, e));
        // Javalin's own connector (host, port, HTTP/1.1), with connections that parse on one thread at a time: see
        // SerializedHttpConnections for the Jetty race it closes. Host and port are read when the server starts.
        config.jetty.addConnector((server, http) -> SerializedHttpConnections.connector(server, http, config.jetty.host,
                config.jetty.port));
    }

    /** Jetty's own error answers (for requests refused before routing) as problem+json too. */
    public void configureJetty(org.eclipse.jetty.server.Server server) {
        server.setErrorHandler(new JettyProblems());
    }

    /** Registers a route whose handler is wrapped with error rendering and request metrics. */
    void route(JavalinConfig config, String method, String servedPath, Handler handler) {
        // Javalin's <param> also matches slashes; documentation and metrics name every parameter {param}.
        String path = servedPath.replace('<', '{').replace('>', '}');
        routes.add(new Route(method, path));
        boolean tenantWrite = isTenantWrite(method, path);
        boolean search = isSearch(method, path);
        // Bookmarks: on a tenant's data routes, not on its lifecycle (create, delete, move: freeze, digest, import).
        boolean ofATenant = path.startsWith("/v1/tenants/{tenant}") && !path.equals("/v1/tenants/{tenant}/changes")
                && !(path.equals("/v1/tenants/{tenant}") && !method.equals("GET"))
                && !path.endsWith("/freeze") && !path.endsWith("/digest") && !path.endsWith("/import");
        Handler wrapped = ctx -> {
            long start = System.nanoTime();
            Runnable admitted = null;
            try {
                if (tenantWrite) {
                    admitted = admitWrite(ctx);
                }
                if (ofATenant && method.equals("GET")) {
                    Bookmarks.checkRead(this, ctx);
                }
                if (search) {
                    searches.call(() -> {
                        handler.handle(ctx);
                        return null;
                    });
                } else if (tenantWrite && ctx.header(Idempotency.HEADER) != null) {
                    idempotency.handle(ctx, method, path, handler);
                } else {
                    handler.handle(ctx);
                }
                // Searches and recalls are POSTs but reads: no bookmark (it cost a read of the log per search).
                if (ofATenant && !method.equals("GET") && !search && ctx.statusCode() < 300) {
                    Bookmarks.answerWrite(this, ctx);
                }
            } catch (Exception e) {
                problem(ctx, e);
            } finally {
                if (admitted != null) {
                    admitted.run();
                }
                // A body the route did not read (a DELETE with one, say) is read and dropped: Jetty would otherwise
                // close the connection after the answer, under a client about to reuse it.
                Bodies.drainUnread(ctx);
                metrics.request(ctx.method().name(), path, ctx.statusCode(), System.nanoTime() - start);
            }
        };
        switch (method) {
            case "GET" -> {
                config.routes.get(servedPath, wrapped);
                // HEAD runs the same handler, keys and all (Jetty drops the body); Javalin's own HEAD answered 200.
                config.routes.head(servedPath, wrapped);
            }
            case "POST" -> config.routes.post(servedPath, wrapped);
            case "PUT" -> config.routes.put(servedPath, wrapped);
            case "DELETE" -> config.routes.delete(servedPath, wrapped);
            default -> throw new IllegalArgumentException(method);
        }
    }

    /**
     * The reads that cost CPU in proportion to the data (searches and recalls): at most
     * {@link dev.litemem.server.ServerConfig.Builder#maxConcurrentSearches} run at once, the others wait in arrival
     * order. With more running than there are cores, each would be sliced among the others and all finish late: under
     * 16 connections on 2 cores this took the p99 of a vector search from 21 ms to 7 ms (docs/SERVER.md).
     */
    static boolean isSearch(String method, String path) {
        return "POST".equals(method) && path.startsWith("/v1/tenants/{tenant}/")
                && (path.endsWith("/search") || path.endsWith("/memories/recall"));
    }

    /**
     * Whether a route writes to one tenant's data, and so is refused while the tenant is frozen: every non-GET route
     * under {@code /v1/tenants/{tenant}/} except the searches (POST, but reads) and the move's own admin routes.
     */
    static boolean isTenantWrite(String method, String path) {
        return !"GET".equals(method) && path.startsWith("/v1/tenants/{tenant}/") && !path.endsWith("/search")
                && !path.endsWith("/memories/recall") && !path.endsWith("/freeze") && !path.endsWith("/import");
    }

    /**
     * Admits a write to the path's tenant (the returned action ends it), or refuses it with 503 {@code tenant-frozen}
     * while the tenant is frozen: to a caller whose key opens the tenant, others get the answer they would get anyway.
     */
    private Runnable admitWrite(Context ctx) {
        String name = ctx.pathParam("tenant");
        if (!TenantKeys.NAME.matcher(name).matches()) {
            return null; // the route refuses the name itself
        }
        Runnable admitted = freezes.enterWrite(name);
        if (admitted == null) {
            tenant(ctx, false);
            ctx.header("Retry-After", "5");
            throw new ServerException(503, "tenant-frozen", null, "the tenant is being moved to another node: its"
                    + " writes are paused (reads are served); retry in a few seconds");
        }
        return admitted;
    }

    static void problem(Context ctx, Exception e) {
        ServerException p = toProblem(e);
        // A refused request's unread body is read and dropped first, so the client gets this answer, not a reset.
        Bodies.drainUnread(ctx);
        ctx.status(p.status()).contentType(PROBLEM_JSON)
                .result(Bodies.write(ProblemJson.of(p.type(), p.status(), p.getMessage(), p.field())));
    }

    static ServerException toProblem(Exception e) {
        if (e instanceof ServerException s) {
            // A quarantined tenant is logged once, when quarantined; a frozen one is an expected, temporary state.
            if (s.status() >= 500 && !"tenant-quarantined".equals(s.type()) && !"tenant-frozen".equals(s.type())) {
                // Details (paths, causes) go to the log only; the client learns the stable type.
                LOG.error("request failed ({}): {}", s.type(), s.getMessage());
                return new ServerException(s.status(), s.type(), null, s.status() == 500
                        ? "the server failed to handle the request; the server log has details" : s.getMessage());
            }
            return s;
        }
        if (e instanceof dev.litemem.ingest.DocumentTooLargeException d) {
            return Errors.tooLarge(d.field(), d.getMessage());
        }
        if (e instanceof InvalidInputException i) {
            return Errors.invalid(i.field(), i.getMessage());
        }
        if (e instanceof StoreBusyException) {
            return new ServerException(503, "store-busy", null, "the tenant's file is busy: retry shortly");
        }
        if (e instanceof IncompatibleFileException) {
            LOG.error("a tenant file cannot be opened: {}", e.getMessage());
            return new ServerException(500, "tenant-file-incompatible", null, "the tenant's file cannot be opened: it is"
                    + " missing, damaged, or written by a newer version; the server log has details");
        }
        if (e instanceof LiteMemException) {
            LOG.error("a tenant's store failed: {}", e.getMessage());
            return new ServerException(500, "storage-error", null, "the tenant's store failed; the server log has details");
        }
        if (e instanceof HttpResponseException h) {
            return new ServerException(h.getStatus(), "http-" + h.getStatus(), null, "the request was refused");
        }
        // Messages of unexpected exceptions may quote input: log the type and where, never the message.
        StackTraceElement at = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
        LOG.error("unexpected {} at {}", e.getClass().getName(), at);
        return new ServerException(500, "internal-error", null, "the server failed to handle the request; the server log has details");
    }

    // ---- authentication

    static String bearer(Context ctx) {
        String h = ctx.header("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7) || h.length() <= 7) {
            throw Errors.unauthorized();
        }
        return h.substring(7).trim();
    }

    boolean isAdmin(String key) {
        return MessageDigest.isEqual(adminKeyHash, TenantKeys.sha256(key));
    }

    void requireAdmin(Context ctx) {
        if (!isAdmin(bearer(ctx))) {
            throw Errors.forbiddenAdmin();
        }
    }

    /**
     * The tenant named in the path, if the request's key opens it: 404 when it does not exist or the key is another
     * tenant's, the same answer both times. The admin key opens every tenant only where {@code allowAdmin}.
     */
    String tenant(Context ctx, boolean allowAdmin) {
        String name = TenantKeys.checkName(ctx.pathParam("tenant"));
        String key = bearer(ctx);
        if (allowAdmin && isAdmin(key)) {
            if (!keys.exists(name)) {
                throw Errors.tenantNotFound();
            }
            return name;
        }
        if (!keys.opens(name, key)) {
            throw Errors.tenantNotFound();
        }
        return name;
    }

    // ---- routes

    private void health(Context ctx) {
        ctx.status(ready ? 200 : 503).json(new Health(ready ? "ok" : "starting", cache.openCount()));
    }

    private void openApi(Context ctx) throws IOException {
        try (InputStream in = Api.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new ServerException("openapi.json is missing from the server jar", null);
            }
            ctx.contentType("application/json").result(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private void createTenant(Context ctx) {
        requireAdmin(ctx);
        JsonNode json = Bodies.readObject(ctx, limits.maxBodyBytes());
        TenantBody body = new TenantBody(Bodies.text(json, "name", "name", 1024, true));
        String name = TenantKeys.checkNewName(body.name(), "name");
        String key = tenants.create(name);
        freezes.thaw(name); // a freeze left by a deletion that a crash interrupted is not the new tenant's
        ctx.status(201).json(new NewTenant(name, key));
    }

    private void listTenants(Context ctx) {
        requireAdmin(ctx);
        int limit = RecordRoutes.intParam(ctx, "limit", 100, 1, limits.maxListLimit());
        String cursor = ctx.queryParam("cursor");
        List<String> names = keys.list(cursor, limit);
        List<TenantList.Entry> page = names.subList(0, Math.min(limit, names.size())).stream()
                .map(n -> new TenantList.Entry(n, cache.isOpen(n))).toList();
        ctx.json(new TenantList(page, names.size() > limit ? names.get(limit - 1) : null));
    }

    private void tenantStats(Context ctx) {
        String name = tenant(ctx, true);
        List<CollectionJson> collections = new ArrayList<>();
        long records = 0;
        long lastSeq;
        try (TenantCache.Lease lease = cache.acquire(name)) {
            LiteMem mem = lease.mem();
            for (CollectionInfo info : mem.collections()) {
                if (info.name().startsWith("_")) {
                    continue; // a capability's reserved collection (memory's): no collection name opens it (it 400ed)
                }
                long count = mem.collection(info.name()).count();
                records += count;
                collections.add(CollectionJson.of(info, count));
            }
            lastSeq = mem.lastSequence();
        }
        ctx.json(new TenantStats(name, collections, records, lastSeq, fileBytes(keys.dbFile(name))));
    }

    private void deleteTenant(Context ctx) throws InterruptedException {
        requireAdmin(ctx);
        String name = TenantKeys.checkName(ctx.pathParam("tenant"));
        tenants.delete(name);
        freezes.thaw(name);
        ctx.status(204);
    }

    /** {@code PUT /v1/tenants/{tenant}}: creation with the name in the path, so a proxy can route it by tenant. */
    private void createTenantByPath(Context ctx) {
        requireAdmin(ctx);
        String name = TenantKeys.checkNewName(ctx.pathParam("tenant"), "tenant");
        String key = tenants.create(name);
        freezes.thaw(name);
        ctx.status(201).json(new NewTenant(name, key));
    }

    /** Pauses the tenant's writes and answers once the writes admitted before have finished (idempotent). */
    private void freeze(Context ctx) throws InterruptedException {
        requireAdmin(ctx);
        String name = existingTenant(ctx);
        freezes.freeze(name);
        ctx.json(java.util.Map.of("tenant", name, "frozen", true));
    }

    private void thaw(Context ctx) {
        requireAdmin(ctx);
        String name = existingTenant(ctx);
        freezes.thaw(name);
        ctx.json(java.util.Map.of("tenant", name, "frozen", false));
    }

    /** Whether the tenant is frozen: cheap (no file is read), for a mover waiting until a proxy reaches the target. */
    private void frozen(Context ctx) {
        requireAdmin(ctx);
        String name = existingTenant(ctx);
        ctx.json(java.util.Map.of("tenant", name, "frozen", freezes.isFrozen(name)));
    }

    private String existingTenant(Context ctx) {
        String name = TenantKeys.checkName(ctx.pathParam("tenant"));
        if (!keys.exists(name)) {
            throw Errors.tenantNotFound();
        }
        return name;
    }

    /** Row counts and SHA-256 of every row of the tenant's file (derived index tables left out), and whether frozen. */
    private void digest(Context ctx) {
        requireAdmin(ctx);
        String name = existingTenant(ctx);
        TenantTransfer.Digest d;
        try (TenantCache.Lease lease = cache.acquire(name)) {
            d = TenantTransfer.digest(name, keys.dbFile(name));
        }
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("tenant", d.tenant());
        body.put("rows", d.rows());
        body.put("sha256", d.sha256());
        body.put("frozen", freezes.isFrozen(name));
        body.put("tables", d.tables());
        ctx.json(body);
    }

    /**
     * {@code PUT /v1/tenants/{tenant}/import?keySha256=HEX}: the body (a snapshot from {@code GET .../export}) becomes
     * the new tenant, keeping the key whose SHA-256 is given. 201 with the new tenant's digest; 409 if it exists.
     */
    private void importSnapshot(Context ctx) throws IOException {
        requireAdmin(ctx);
        String name = TenantKeys.checkNewName(ctx.pathParam("tenant"), "tenant");
        String keyHash = ctx.queryParam("keySha256");
        if (keyHash == null || !TenantTransfer.KEY_HASH.matcher(keyHash).matches()) {
            throw Errors.invalid("keySha256", "keySha256 must be the 64 lowercase hex digits of the SHA-256 of the"
                    + " tenant's key (the X-LiteMem-Key-Sha256 header of the export)");
        }
        if (keys.exists(name)) {
            throw Errors.conflict("tenant", "a tenant with this name already exists on this node");
        }
        Path upload = folder.newExportPath(name);
        try {
            TenantTransfer.receive(ctx.req().getInputStream(), upload);
            tenants.adopt(name, upload, java.util.HexFormat.of().parseHex(keyHash));
        } finally {
            Files.deleteIfExists(upload);
        }
        freezes.thaw(name);
        TenantTransfer.Digest d;
        try (TenantCache.Lease lease = cache.acquire(name)) {
            d = TenantTransfer.digest(name, keys.dbFile(name));
        }
        ctx.status(201).json(java.util.Map.of("tenant", name, "rows", d.rows(), "sha256", d.sha256()));
    }

    /**
     * A consistent snapshot, streamed, then deleted: {@link LiteMem#exportTo} (VACUUM INTO on a read connection, so
     * writers go on) into the owner-only export folder, outside the tenants' namespace. The copy takes the tenant
     * file's mode (owner-only, as the server creates it) and is made owner-only again before a byte of it is sent.
     */
    private void export(Context ctx) throws IOException {
        String name = tenant(ctx, true);
        Path snapshot = folder.newExportPath(name);
        try {
            long bytes;
            dev.litemem.changes.ChangeFeed.Position at;
            try (TenantCache.Lease lease = cache.acquire(name)) {
                bytes = lease.mem().exportTo(snapshot);
            }
            // The position the copy is consistent at, read from the copy itself (its newest change and incarnation).
            try (LiteMem copy = LiteMem.open(snapshot, creationOptions(dev.litemem.Durability.NORMAL))) {
                at = copy.changeFeed().current();
            }
            ctx.header(ReplicaRoutes.INCARNATION_HEADER, at.incarnation());
            ctx.header(ReplicaRoutes.SEQ_HEADER, Long.toString(at.seq()));
            ctx.header(dev.litemem.client.Bookmark.HEADER, new dev.litemem.client.Bookmark(name, at.incarnation(),
                    at.seq()).toString());
            DataFolder.ownerOnly(snapshot, "rw-------");
            ctx.contentType("application/vnd.sqlite3");
            ctx.header("Content-Disposition", "attachment; filename=\"" + name + ".db\"");
            if (isAdmin(bearer(ctx))) {
                // What an import on another node needs to keep the tenant's key (docs/SCALE-OUT.md).
                ctx.header("X-LiteMem-Key-Sha256", keys.keyHashHex(name));
            }
            ctx.header("Content-Length", Long.toString(bytes));
            Files.copy(snapshot, ctx.outputStream());
        } finally {
            Files.deleteIfExists(snapshot);
        }
    }

    static long fileBytes(Path db) {
        long total = 0;
        for (String suffix : new String[] {"", "-wal"}) {
            try {
                total += Files.size(db.resolveSibling(db.getFileName() + suffix));
            } catch (IOException e) {
                // Not there: counts as empty.
            }
        }
        return total;
    }
}
