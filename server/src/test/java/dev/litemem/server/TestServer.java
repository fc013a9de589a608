package dev.litemem.server;

import dev.litemem.testing.WordHashEmbedder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/** A real server on a free loopback port over a temp folder, and a small HTTP client for the tests. */
final class TestServer implements AutoCloseable {
    static final String ADMIN = "admin-key-for-tests-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();
    final MemoryServer server;
    final Path dataDir;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    TestServer(Path dataDir) {
        this(dataDir, b -> { });
    }

    TestServer(Path dataDir, Consumer<ServerConfig.Builder> tweak) {
        this.dataDir = dataDir;
        ServerConfig.Builder b = ServerConfig.builder(dataDir).port(0).adminKey(ADMIN).embedder(new WordHashEmbedder());
        tweak.accept(b);
        this.server = MemoryServer.start(b.build());
    }

    record Response(int status, String contentType, String body, HttpResponse<byte[]> raw) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        String problemType() {
            return json().path("title").asText();
        }

        String field() {
            return json().path("field").asText(null);
        }
    }

    Response call(String method, String path, String key, String body) {
        return call(method, path, key, body, "application/json");
    }

    Response call(String method, String path, String key, String body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (body != null) {
            b.header("Content-Type", contentType);
        }
        return send(b.build());
    }

    Response send(HttpRequest request) {
        try {
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                    new String(r.body(), StandardCharsets.UTF_8), r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Creates a tenant and returns its key. */
    String createTenant(String name) {
        Response r = call("POST", "/v1/tenants", ADMIN, "{\"name\":\"" + name + "\"}");
        if (r.status() != 201) {
            throw new AssertionError("creating tenant failed: " + r.status() + " " + r.body());
        }
        return r.json().get("apiKey").asText();
    }

    static String records(String tenant, String collection) {
        return "/v1/tenants/" + tenant + "/collections/" + collection + "/records";
    }

    @Override
    public void close() {
        server.close();
    }
}
