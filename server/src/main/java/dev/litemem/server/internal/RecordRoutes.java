package dev.litemem.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.litemem.Collection;
import dev.litemem.CollectionInfo;
import dev.litemem.CollectionSpec;
import dev.litemem.Filter;
import dev.litemem.Hit;
import dev.litemem.LedgerPolicy;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemException;
import dev.litemem.Page;
import dev.litemem.Record;
import dev.litemem.SearchRequest;
import dev.litemem.client.wire.CollectionBody;
import dev.litemem.client.wire.CollectionJson;
import dev.litemem.client.wire.CollectionList;
import dev.litemem.client.wire.DeleteResult;
import dev.litemem.client.wire.DocumentBody;
import dev.litemem.client.wire.DocumentResult;
import dev.litemem.client.wire.HitJson;
import dev.litemem.client.wire.HitList;
import dev.litemem.client.wire.RecordJson;
import dev.litemem.client.wire.RecordList;
import dev.litemem.client.wire.SearchBody;
import dev.litemem.client.wire.UpsertBody;
import dev.litemem.client.wire.UpsertResult;
import dev.litemem.index.Metric;
import dev.litemem.ingest.IngestedDocument;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Collections, records, search and document ingest of one tenant; every route needs the tenant's own key. */
final class RecordRoutes {
    private static final String C = "/v1/tenants/{tenant}/collections";
    private final Api api;
    private final Api.Limits limits;
    private final DocumentIngester ingester;

    RecordRoutes(Api api) {
        this.api = api;
        this.limits = api.limits;
        this.ingester = new DocumentIngester(limits);
    }

    void register(JavalinConfig config) {
        api.route(config, "GET", C, this::listCollections);
        api.route(config, "PUT", C + "/{collection}", this::createCollection);
        api.route(config, "GET", C + "/{collection}", this::collectionInfo);
        api.route(config, "PUT", C + "/{collection}/records", this::upsert);
        api.route(config, "GET", C + "/{collection}/records", this::list);
        api.route(config, "DELETE", C + "/{collection}/records", this::deleteWhere);
        // <id>, not {id}: record ids may hold slashes (ingested chunks are named after their file's path).
        api.route(config, "GET", C + "/{collection}/records/<id>", this::get);
        api.route(config, "DELETE", C + "/{collection}/records/<id>", this::delete);
        api.route(config, "POST", C + "/{collection}/search", this::search);
        api.route(config, "POST", C + "/{collection}/documents", this::ingest);
    }

    private void listCollections(Context ctx) {
        String tenant = api.tenant(ctx, false);
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            ctx.json(new CollectionList(lease.mem().collections().stream().map(info -> CollectionJson.of(info, null))
                    .toList()));
        }
    }

    private void createCollection(Context ctx) {
        String tenant = api.tenant(ctx, false);
        String name = ctx.pathParam("collection");
        CollectionBody body = collectionBody(Bodies.readBytes(ctx, limits.maxBodyBytes()));
        String model = body.model();
        Integer dimension = body.dimension();
        String metricId = body.metric();
        LedgerPolicy ledger = body.ledger() == null ? null : LedgerPolicy.fromId(body.ledger());
        Metric metric;
        try {
            metric = metricId == null ? Metric.COSINE : Metric.fromId(metricId);
        } catch (IllegalArgumentException e) {
            throw Errors.invalid("metric", "metric must be cosine, dot or l2");
        }
        CollectionSpec spec;
        if (model == null || model.equals(CollectionSpec.CALLER_VECTORS)) {
            if (dimension == null) {
                if (api.embedder == null) {
                    throw Errors.invalid("dimension", "this server has no embedder: give the dimension of the vectors you will supply");
                }
                spec = new CollectionSpec(api.embedder.modelId(), api.embedder.dimension(), metric);
            } else {
                spec = CollectionSpec.vectors(dimension, metric);
            }
        } else {
            if (api.embedder == null || !api.embedder.modelId().equals(model)) {
                throw Errors.invalid("model", "this server embeds with "
                        + (api.embedder == null ? "no model" : "the model " + api.embedder.modelId())
                        + ": give that model, or no model and a dimension to supply vectors yourself");
            }
            if (dimension != null && dimension != api.embedder.dimension()) {
                throw Errors.invalid("dimension", "the model " + model + " gives " + api.embedder.dimension() + " dimensions");
            }
            spec = new CollectionSpec(model, api.embedder.dimension(), metric);
        }
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            boolean existed = find(lease.mem(), name).isPresent();
            Collection c;
            try {
                c = lease.mem().collection(name, spec, ledger);
            } catch (dev.litemem.InvalidInputException e) {
                throw e;
            } catch (LiteMemException e) {
                throw Errors.conflict("collection", "the collection exists with another model, dimension or metric;"
                        + " use another name");
            }
            if (existed && ledger != null) {
                c.ledgerPolicy(ledger);
            }
            ctx.status(existed ? 200 : 201).json(CollectionJson.of(c.info(), null, c.ledgerPolicy().id()));
        }
    }

    private void collectionInfo(Context ctx) {
        String tenant = api.tenant(ctx, false);
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            Collection c = existing(lease, ctx);
            ctx.json(CollectionJson.of(c.info(), c.count(), c.ledgerPolicy().id()));
        }
    }

    private void upsert(Context ctx) {
        String tenant = api.tenant(ctx, false);
        UpsertBody body = upsertBody(Bodies.readObject(ctx, limits.maxBodyBytes()));
        List<Record> records = body.records().stream().map(RecordJson::toRecord).toList();
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            Collection c = forWrite(lease, ctx.pathParam("collection"), records).as(Attribution.of(ctx, tenant));
            long seq = c.upsertAll(records);
            ctx.json(new UpsertResult(records.size(), seq));
        }
    }

    private void list(Context ctx) {
        String tenant = api.tenant(ctx, false);
        int limit = intParam(ctx, "limit", 100, 1, limits.maxListLimit());
        Filter filter = whereParam(ctx, false);
        boolean vectors = "true".equals(ctx.queryParam("vectors"));
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            Page<Record> page = existing(lease, ctx).list(filter, ctx.queryParam("cursor"), limit);
            ctx.json(new RecordList(page.items().stream().map(r -> RecordJson.of(r, vectors)).toList(),
                    page.nextCursor()));
        }
    }

    private void deleteWhere(Context ctx) {
        String tenant = api.tenant(ctx, false);
        Filter filter = whereParam(ctx, true);
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            int deleted = existing(lease, ctx).as(Attribution.of(ctx, tenant)).deleteWhere(filter);
            ctx.json(new DeleteResult(deleted));
        }
    }

    private void get(Context ctx) {
        String tenant = api.tenant(ctx, false);
        boolean vectors = "true".equals(ctx.queryParam("vector"));
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            Record r = existing(lease, ctx).get(ctx.pathParam("id")).orElseThrow(Errors::recordNotFound);
            ctx.json(RecordJson.of(r, vectors));
        }
    }

    private void delete(Context ctx) {
        String tenant = api.tenant(ctx, false);
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            if (!existing(lease, ctx).as(Attribution.of(ctx, tenant)).delete(ctx.pathParam("id"))) {
                throw Errors.recordNotFound();
            }
            ctx.status(204);
        }
    }

    private void search(Context ctx) {
        String tenant = api.tenant(ctx, false);
        SearchBody body = searchBody(Bodies.readObject(ctx, limits.maxBodyBytes()));
        dev.litemem.SearchMode mode = SearchModes.parse(body.mode());
        boolean withVectors = Boolean.TRUE.equals(body.includeVector());
        SearchRequest request = (body.text() != null ? SearchRequest.text(body.text()) : SearchRequest.vector(body.vector()))
                .k(body.k() == null ? 10 : body.k()).includeVectors(withVectors);
        if (mode != null) {
            request.mode(mode);
        }
        if (body.where() != null) {
            request.where(Filter.parse(body.where().toString()));
        }
        List<Hit> hits;
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            hits = existing(lease, ctx).search(request);
        }
        ctx.json(new HitList(hits.stream().map(h -> HitJson.of(h, withVectors)).toList()));
    }

    /**
     * A document as JSON {source, text, metadata}, as an uploaded file (multipart/form-data, part 'file'; the source
     * is ?source=NAME or the file name), or as a raw text/* body with ?source=NAME.
     */
    private void ingest(Context ctx) {
        String tenant = api.tenant(ctx, false);
        String contentType = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(java.util.Locale.ROOT);
        String source;
        byte[] content;
        String fileName = null;
        Map<String, Object> metadata = Map.of();
        if (contentType.startsWith("application/json")) {
            DocumentBody body = documentBody(Bodies.readObject(ctx, limits.maxBodyBytes()));
            source = body.source();
            content = body.text().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            metadata = body.metadata();
        } else if (contentType.startsWith("multipart/form-data")) {
            Bodies.checkDeclaredLength(ctx, limits.maxBodyBytes());
            io.javalin.http.UploadedFile file;
            try {
                file = ctx.uploadedFile("file");
            } catch (Exception e) {
                // Jetty's ServletException (over the size limit, or malformed), thrown undeclared through Kotlin. The
                // failed parser leaves the body unreadable and Jetty closes the connection after the answer: say so.
                ctx.header("Connection", "close");
                throw Errors.invalid("file", "the multipart body cannot be read: it is malformed, or larger than "
                        + limits.maxBodyBytes() + " bytes");
            }
            if (file == null) {
                throw Errors.invalid("file", "send the document in a multipart part named 'file'");
            }
            source = ctx.queryParam("source") != null ? ctx.queryParam("source") : file.filename();
            if (source == null || source.isBlank() || source.length() > 2048) {
                throw Errors.invalid("source", "give the document's name as ?source=NAME or as the part's file name");
            }
            fileName = file.filename() != null ? file.filename() : source;
            try (java.io.InputStream in = file.content()) {
                content = in.readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("reading the uploaded file failed", e);
            }
        } else if (contentType.startsWith("text/")) {
            source = ctx.queryParam("source");
            if (source == null || source.isBlank() || source.length() > 2048) {
                throw Errors.invalid("source", "give the document's name as ?source=NAME (1 to 2048 characters)");
            }
            content = Bodies.readText(ctx, limits.maxBodyBytes()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } else {
            throw new dev.litemem.server.ServerException(415, "unsupported-media-type", "Content-Type",
                    "send the document as application/json {source, text, metadata}, as multipart/form-data with a part"
                            + " 'file', or as a text/* body with ?source=NAME");
        }
        if (api.embedder == null) {
            throw Errors.invalid("text", "this server has no embedder, so it cannot ingest documents");
        }
        String collection = ctx.pathParam("collection");
        try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
            // The store looks up its embedding cache before the model runs, so the tenant is leased meanwhile, as for
            // a batch of records with text; the limits bound the work (checked before anything is embedded).
            Optional<CollectionInfo> existing = find(lease.mem(), collection);
            if (existing.isPresent() && !existing.get().spec().model().equals(api.embedder.modelId())) {
                throw Errors.conflict("collection", "the collection holds vectors of " + existing.get().spec().model()
                        + ", but this server embeds documents with " + api.embedder.modelId()
                        + ": ingest into another collection");
            }
            IngestedDocument d = ingester.ingest(lease.mem(), collection, source, fileName != null ? fileName : source,
                    content, metadata, Attribution.of(ctx, tenant));
            ctx.json(new DocumentResult(source, d.document().chunks(), d.seq(), d.embedded()));
        }
    }

    // ---- request bodies: read strictly into the wire types, each error naming its field

    private static CollectionBody collectionBody(byte[] bytes) {
        if (bytes.length == 0) {
            return new CollectionBody(null, null, null, null);
        }
        JsonNode body = Bodies.parseObject(bytes);
        return new CollectionBody(Bodies.text(body, "model", "model", 200, false),
                Bodies.integer(body, "dimension", "dimension", 1, CollectionSpec.MAX_DIMENSION),
                Bodies.text(body, "metric", "metric", 20, false),
                Bodies.text(body, "ledger", "ledger", 20, false));
    }

    private UpsertBody upsertBody(JsonNode body) {
        JsonNode items = body.get("records");
        if (items == null || !items.isArray()) {
            throw Errors.invalid("records", "records must be an array of {id, text, metadata, vector}");
        }
        if (items.size() > limits.maxBatch()) {
            throw Errors.tooLarge("records", "the batch has " + items.size() + " records; at most " + limits.maxBatch()
                    + " are allowed per request");
        }
        List<RecordJson> records = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            records.add(record(items.get(i), "records[" + i + "]"));
        }
        return new UpsertBody(records);
    }

    /** A record to write: its id, text, metadata, vector, source and chunk (times are the server's own). */
    private RecordJson record(JsonNode n, String at) {
        if (n == null || !n.isObject()) {
            throw Errors.invalid(at, at + " must be a JSON object");
        }
        String id = Bodies.text(n, "id", at + ".id", 512, false);
        String text = Bodies.text(n, "text", at + ".text", limits.maxTextChars(), false);
        float[] vector = Bodies.vector(n.get("vector"), at + ".vector");
        if (vector == null && text != null && api.embedder == null) {
            throw Errors.invalid(at + ".vector", "this server has no embedder: give a vector with every record");
        }
        String source = Bodies.text(n, "source", at + ".source", 2048, false);
        Integer chunk = Bodies.integer(n, "chunk", at + ".chunk", 0, Integer.MAX_VALUE);
        return new RecordJson(id, text, Bodies.metadata(n.get("metadata"), at + ".metadata"), source, chunk, null, null,
                vector);
    }

    private SearchBody searchBody(JsonNode body) {
        String text = Bodies.text(body, "text", "text", limits.maxTextChars(), false);
        float[] vector = Bodies.vector(body.get("vector"), "vector");
        if ((text == null) == (vector == null)) {
            throw Errors.invalid("text", "give either text or vector, not both and not neither");
        }
        if (text != null && api.embedder == null) {
            throw Errors.invalid("text", "this server has no embedder: search by vector");
        }
        Integer k = Bodies.integer(body, "k", "k", 1, limits.maxK());
        String mode = Bodies.text(body, "mode", "mode", 20, false);
        SearchModes.parse(mode); // refused here, before the filter, as it always was
        JsonNode where = Bodies.filter(body, "where");
        return new SearchBody(text, vector, k, mode, where, body.path("includeVector").asBoolean(false));
    }

    private static DocumentBody documentBody(JsonNode body) {
        return new DocumentBody(Bodies.text(body, "source", "source", 2048, true),
                Bodies.text(body, "text", "text", Integer.MAX_VALUE, true),
                Bodies.metadata(body.get("metadata"), "metadata"));
    }

    // ---- helpers

    private static Optional<CollectionInfo> find(LiteMem mem, String name) {
        for (CollectionInfo info : mem.collections()) {
            if (info.name().equals(name)) {
                return Optional.of(info);
            }
        }
        return Optional.empty();
    }

    /** The collection named in the path; 404 if it does not exist (reads never create one). */
    private static Collection existing(TenantCache.Lease lease, Context ctx) {
        String name = ctx.pathParam("collection");
        try {
            return lease.mem().findCollection(name).orElseThrow(Errors::collectionNotFound);
        } catch (dev.litemem.InvalidInputException e) {
            throw Errors.collectionNotFound(); // a name no collection can have
        }
    }

    /** The collection for a write, created on first use: by the server's embedder, or for the caller's vectors. */
    private Collection forWrite(TenantCache.Lease lease, String name, List<Record> records) {
        LiteMem mem = lease.mem();
        if (find(mem, name).isPresent() || api.embedder != null) {
            return mem.collection(name);
        }
        for (Record r : records) {
            if (r.hasVector()) {
                return mem.collection(name, CollectionSpec.vectors(r.vector().length, Metric.COSINE));
            }
        }
        throw Errors.invalid("records", "this server has no embedder: give vectors to create the collection");
    }

    private Filter whereParam(Context ctx, boolean required) {
        String where = ctx.queryParam("where");
        if (where == null || where.isBlank()) {
            if (required) {
                throw Errors.invalid("where", "give ?where=FILTER (a JSON filter of at least one condition)");
            }
            return null;
        }
        if (where.length() > limits.maxTextChars()) {
            throw Errors.tooLarge("where", "the filter is longer than " + limits.maxTextChars() + " characters");
        }
        return Filter.parse(where);
    }

    static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return fallback;
        }
        try {
            int i = Integer.parseInt(v);
            if (i >= min && i <= max) {
                return i;
            }
        } catch (NumberFormatException e) {
            // Answered below.
        }
        throw Errors.invalid(name, name + " must be a whole number between " + min + " and " + max);
    }
}
