package dev.litemem.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.litemem.Hit;
import dev.litemem.InvalidInputException;
import dev.litemem.LiteMemException;
import dev.litemem.Page;
import dev.litemem.Record;
import dev.litemem.StoreBusyException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link MemoryClient} over one tenant of a LiteMem server, through java.net.http. Thread-safe. */
public final class HttpMemoryClient implements MemoryClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http;
    private final String tenantUrl;
    private final String key;
    private final Duration timeout;

    /**
     * @param tenantUrl the tenant's URL, for example {@code http://127.0.0.1:8080/v1/tenants/acme}
     * @param key       the tenant's key
     */
    public HttpMemoryClient(URI tenantUrl, String key, Duration timeout) {
        String u = tenantUrl.toString();
        this.tenantUrl = u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
        this.key = key;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public long put(String collection, List<Record> records) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode a = body.putArray("records");
        for (Record r : records) {
            ObjectNode o = a.addObject();
            o.put("id", r.id());
            if (r.text() != null) {
                o.put("text", r.text());
            }
            o.set("metadata", JSON.valueToTree(r.metadata()));
            if (r.hasVector()) {
                ArrayNode v = o.putArray("vector");
                for (float x : r.vector()) {
                    v.add(x);
                }
            }
            if (r.source() != null) {
                o.put("source", r.source());
                if (r.chunk() != null) {
                    o.put("chunk", r.chunk());
                }
            }
        }
        return send("PUT", records(collection), body).get("seq").asLong();
    }

    @Override
    public Optional<Record> get(String collection, String id) {
        JsonNode r = sendOrMissing("GET", records(collection) + "/" + encId(id) + "?vector=true", null);
        return r == null ? Optional.empty() : Optional.of(record(r));
    }

    @Override
    public boolean delete(String collection, String id) {
        return sendOrMissing("DELETE", records(collection) + "/" + encId(id), null) != null;
    }

    @Override
    public int deleteWhere(String collection, String whereJson) {
        JsonNode r = sendOrMissing("DELETE", records(collection) + "?where=" + enc(whereJson), null);
        return r == null ? 0 : r.get("deleted").asInt();
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
        JsonNode r = sendOrMissing("GET", url.toString(), null);
        if (r == null) {
            return new Page<>(List.of(), null);
        }
        List<Record> items = new ArrayList<>();
        for (JsonNode n : r.get("records")) {
            items.add(record(n));
        }
        JsonNode next = r.get("nextCursor");
        return new Page<>(items, next == null || next.isNull() ? null : next.asText());
    }

    @Override
    public List<Hit> search(String collection, Query query) {
        ObjectNode body = JSON.createObjectNode();
        if (query.text() != null) {
            body.put("text", query.text());
        } else {
            ArrayNode v = body.putArray("vector");
            for (float x : query.vector()) {
                v.add(x);
            }
        }
        body.put("k", query.k());
        if (query.mode() != null) {
            body.put("mode", query.mode());
        }
        if (query.where() != null) {
            try {
                body.set("where", JSON.readTree(query.where()));
            } catch (JsonProcessingException e) {
                throw new InvalidInputException("where", "the filter is not valid JSON");
            }
        }
        body.put("includeVector", true);
        JsonNode r = sendOrMissing("POST", collectionUrl(collection) + "/search", body);
        List<Hit> hits = new ArrayList<>();
        if (r != null) {
            for (JsonNode h : r.get("hits")) {
                hits.add(new Hit(record(h), (float) h.get("score").asDouble()));
            }
        }
        return hits;
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

    private static Record record(JsonNode n) {
        Record.Builder b = Record.builder().id(n.get("id").asText());
        if (n.hasNonNull("text")) {
            b.text(n.get("text").asText());
        }
        if (n.hasNonNull("metadata")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = JSON.convertValue(n.get("metadata"), LinkedHashMap.class);
            b.metadata(m);
        }
        if (n.hasNonNull("vector")) {
            float[] v = new float[n.get("vector").size()];
            Iterator<JsonNode> it = n.get("vector").elements();
            for (int i = 0; it.hasNext(); i++) {
                v[i] = (float) it.next().asDouble();
            }
            b.vector(v);
        }
        if (n.hasNonNull("source")) {
            b.source(n.get("source").asText(), n.hasNonNull("chunk") ? n.get("chunk").asInt() : null);
        }
        return b.build();
    }

    /** Sends the request; a 404 for a missing collection or record gives null, every other failure throws. */
    private JsonNode sendOrMissing(String method, String url, JsonNode body) {
        try {
            return send(method, url, body);
        } catch (Missing m) {
            return null;
        }
    }

    private JsonNode send(String method, String url, JsonNode body) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Authorization", "Bearer " + key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (body != null) {
            req.header("Content-Type", "application/json");
        }
        HttpResponse<String> res;
        try {
            res = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new LiteMemException("the LiteMem server at " + tenantUrl + " cannot be reached: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LiteMemException("interrupted while waiting for the LiteMem server", e);
        }
        try {
            JsonNode json = res.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(res.body());
            if (res.statusCode() < 300) {
                return json;
            }
            String type = json.path("title").asText("unknown");
            String detail = json.path("detail").asText("the server answered " + res.statusCode());
            String field = json.hasNonNull("field") ? json.get("field").asText() : null;
            if (res.statusCode() == 404 && (type.equals("collection-not-found") || type.equals("record-not-found"))) {
                throw new Missing();
            }
            if (res.statusCode() == 400 || res.statusCode() == 413) {
                throw new InvalidInputException(field, detail);
            }
            if (res.statusCode() == 503) {
                throw new StoreBusyException(detail, null);
            }
            throw new LiteMemException("the LiteMem server refused the request (" + res.statusCode() + " " + type + "): " + detail);
        } catch (JsonProcessingException e) {
            throw new LiteMemException("the LiteMem server answered " + res.statusCode() + " with a body that is not JSON", e);
        }
    }

    private static final class Missing extends RuntimeException {
        Missing() {
            super(null, null, false, false);
        }
    }
}
