package dev.litemem.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.litemem.LiteMemException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;

/** The admin routes of one LiteMem server that moving a tenant uses (docs/SERVER.md, docs/SCALE-OUT.md). */
final class NodeClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String adminKey;

    /** A tenant's digest on one node: rows, SHA-256 over every row, and whether its writes are frozen. */
    record Digest(long rows, String sha256, boolean frozen) {
        boolean sameContent(Digest other) {
            return rows == other.rows && sha256.equals(other.sha256);
        }
    }

    NodeClient(String base, String adminKey) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.adminKey = adminKey;
    }

    NodeClient(Node node, String adminKey) {
        this("http://" + node.name(), adminKey);
    }

    String base() {
        return base;
    }

    void freeze(String tenant) {
        expect(send(request("/v1/tenants/" + tenant + "/freeze").PUT(HttpRequest.BodyPublishers.noBody())), "freeze", 200);
    }

    void thaw(String tenant) {
        expect(send(request("/v1/tenants/" + tenant + "/freeze").DELETE()), "lift the freeze of", 200);
    }

    /** Whether the tenant's writes are frozen there; empty when the node has no such tenant. */
    Optional<Boolean> frozen(String tenant) {
        HttpResponse<String> r = send(request("/v1/tenants/" + tenant + "/freeze").GET());
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        expect(r, "read the freeze of", 200);
        return Optional.of(json(r.body()).path("frozen").asBoolean());
    }

    /** The tenant's digest, or empty when the node has no such tenant. */
    Optional<Digest> digest(String tenant) {
        HttpResponse<String> r = send(request("/v1/tenants/" + tenant + "/digest").GET());
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        expect(r, "read the digest of", 200);
        JsonNode j = json(r.body());
        return Optional.of(new Digest(j.path("rows").asLong(), j.path("sha256").asText(), j.path("frozen").asBoolean()));
    }

    /** Streams the tenant's consistent snapshot into {@code file}; returns the SHA-256 of its key (hex). */
    String export(String tenant, Path file) {
        HttpResponse<InputStream> r;
        try {
            r = HTTP.send(request("/v1/tenants/" + tenant + "/export").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LiteMemException("interrupted", e);
        }
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                throw failure("export", tenant, r.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new LiteMemException("the export of tenant '" + tenant + "' from " + base + " broke off: " + e, e);
        }
        return r.headers().firstValue("X-LiteMem-Key-Sha256").orElseThrow(() -> new LiteMemException(base + " sent no"
                + " X-LiteMem-Key-Sha256 with the export: is it a LiteMem server of this version, and is the key the admin key?"));
    }

    /** Creates the tenant on this node from {@code body} (a snapshot), keeping the key of that hash. */
    void importSnapshot(String tenant, String keySha256, HttpRequest.BodyPublisher body) {
        HttpResponse<String> r = send(request("/v1/tenants/" + tenant + "/import?keySha256=" + keySha256)
                .header("Content-Type", "application/vnd.sqlite3").PUT(body));
        expect(r, "import", 201);
    }

    /** Deletes the tenant; true if it existed. */
    boolean delete(String tenant) {
        HttpResponse<String> r = send(request("/v1/tenants/" + tenant).DELETE());
        if (r.statusCode() == 404) {
            return false;
        }
        expect(r, "delete", 204);
        return true;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(10))
                .header("Authorization", "Bearer " + adminKey);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LiteMemException("interrupted", e);
        }
    }

    private LiteMemException unreachable(IOException e) {
        return new LiteMemException("cannot reach " + base + ": " + e + " (is the node up?)", e);
    }

    private void expect(HttpResponse<String> r, String what, int status) {
        if (r.statusCode() != status) {
            String path = r.uri().getPath();
            String tenant = path.replaceFirst("^/v1/tenants/([^/?]+).*$", "$1");
            throw failure(what, tenant, r.statusCode(), r.body());
        }
    }

    private LiteMemException failure(String what, String tenant, int status, String body) {
        String detail = body;
        try {
            JsonNode j = JSON.readTree(body);
            if (j.has("title")) {
                detail = j.path("title").asText() + ": " + j.path("detail").asText();
            }
        } catch (IOException e) {
            // Not JSON: quote it as it is.
        }
        if (status == 401 || status == 403) {
            detail += " (the admin key given is not this node's admin key)";
        }
        return new LiteMemException("cannot " + what + " tenant '" + tenant + "' on " + base + ": HTTP " + status + " "
                + (detail.length() > 300 ? detail.substring(0, 300) : detail));
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new LiteMemException("a node answered with something that is not JSON: " + e.getMessage(), e);
        }
    }
}
