package dev.litemem.server;

import static dev.litemem.server.TestServer.ADMIN;
import static dev.litemem.server.TestServer.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.extension.RegisterExtension;
import dev.litemem.testing.TempStores;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A key opens its own tenant and nothing else; names are checked before they reach the file system. */
class IsolationTest {
    @RegisterExtension
    final TempStores stores = new TempStores();
    TestServer s;
    String acme;
    String beta;

    @BeforeEach
    void start() {
        s = new TestServer(stores.dir());
        acme = s.createTenant("acme");
        beta = s.createTenant("beta");
        assertEquals(200, s.call("PUT", records("acme", "notes"), acme,
                "{\"records\": [{\"id\": \"secret\", \"text\": \"acme secret plans\"}]}").status());
    }

    @AfterEach
    void stop() {
        s.close();
    }

    private List<String> files() throws IOException {
        try (Stream<Path> list = Files.list(stores.dir())) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anotherTenantsDataLooksExactlyLikeATenantThatDoesNotExist() throws IOException {
        List<String> before = files();
        String[][] probes = {
                {"GET", records("acme", "notes") + "/secret"},
                {"GET", records("acme", "notes")},
                {"GET", "/v1/tenants/acme/collections"},
                {"GET", "/v1/tenants/acme"},
                {"GET", "/v1/tenants/acme/export"},
                {"DELETE", records("acme", "notes") + "/secret"},
        };
        for (String[] p : probes) {
            var other = s.call(p[0], p[1], beta, null);
            var missing = s.call(p[0], p[1].replace("/acme", "/nobody"), beta, null);
            var wrongKey = s.call(p[0], p[1], "lmk_not-a-real-key", null);
            assertEquals(404, other.status(), p[1]);
            assertEquals(missing.status(), other.status(), p[1]);
            assertEquals(missing.body(), other.body(), p[1]);
            assertEquals(missing.body(), wrongKey.body(), p[1]);
        }
        var search = s.call("POST", "/v1/tenants/acme/collections/notes/search", beta, "{\"text\": \"secret\"}");
        assertEquals(404, search.status());
        assertEquals("tenant-not-found", search.problemType());
        var write = s.call("PUT", records("acme", "notes"), beta, "{\"records\": [{\"id\": \"x\", \"text\": \"planted\"}]}");
        assertEquals(404, write.status());
        var writeMissing = s.call("PUT", records("nobody", "notes"), beta, "{\"records\": [{\"id\": \"x\", \"text\": \"planted\"}]}");
        assertEquals(404, writeMissing.status());
        assertEquals(before, files(), "probing other or missing tenants creates nothing on disk");
        assertEquals(404, s.call("GET", records("acme", "notes") + "/x", acme, null).status());
        assertEquals(200, s.call("GET", records("acme", "notes") + "/secret", acme, null).status());
    }

    @Test
    void theAdminKeyManagesTenantsButDoesNotReadRecords() {
        assertEquals(404, s.call("GET", records("acme", "notes") + "/secret", ADMIN, null).status());
        assertEquals(403, s.call("GET", "/v1/tenants", acme, null).status());
        assertEquals(403, s.call("POST", "/v1/tenants", acme, "{\"name\": \"evil\"}").status());
        assertEquals(403, s.call("DELETE", "/v1/tenants/beta", acme, null).status());
        assertEquals(404, s.call("GET", "/v1/tenants/acme", beta, null).status());
    }

    @Test
    void requestsWithoutAKeyAreUnauthorized() {
        for (String path : new String[] {"/v1/tenants", records("acme", "notes") + "/secret", "/v1/tenants/acme/export"}) {
            var r = s.call("GET", path, null, null);
            assertEquals(401, r.status(), path);
            assertEquals("unauthorized", r.problemType());
            assertEquals("Authorization", r.field());
        }
        var basic = s.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.server.baseUrl() + "/v1/tenants"))
                .header("Authorization", "Basic YWRtaW46YWRtaW4=").build());
        assertEquals(401, basic.status());
    }

    @Test
    void invalidTenantNamesAreRefusedBeforeTheFileSystem() throws IOException {
        List<String> before = files();
        for (String name : new String[] {"Acme", "a.b", "-x", "a b", "x".repeat(65), "..", "a/b", "a\\u0000b", ""}) {
            var create = s.call("POST", "/v1/tenants", ADMIN, "{\"name\": \"" + name + "\"}");
            assertEquals(400, create.status(), name + ": " + create.body());
            assertTrue("name".equals(create.field()) || "tenant".equals(create.field()), create.body());
        }
        for (String segment : new String[] {"Acme", "a.b", "-x", "a%20b", "x".repeat(65), "%2e%2e", "a%00b", "%E2%80%AE"}) {
            var read = s.call("GET", records(segment, "notes") + "/secret", acme, null);
            assertTrue(read.status() == 400 || read.status() == 404, segment + " -> " + read.status());
            assertTrue(read.contentType().startsWith("application/problem+json"), segment);
            if (read.status() == 400) {
                assertTrue("tenant".equals(read.field()) || "bad-request".equals(read.problemType()), read.body());
            }
        }
        var dotdot = s.call("POST", "/v1/tenants", ADMIN, "{\"name\": \"..\"}");
        assertEquals(400, dotdot.status());
        var slash = s.call("POST", "/v1/tenants", ADMIN, "{\"name\": \"a/b\"}");
        assertEquals(400, slash.status());
        assertEquals(before, files());
    }

    @Test
    void rawDotDotPathsNeverReachATenantFile() throws IOException {
        for (String path : new String[] {"/v1/tenants/../acme/collections", "/v1/tenants/%2e%2e/collections",
                "/v1/tenants/acme%2f..%2fbeta/collections"}) {
            try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
                socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                        + beta + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String head = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertTrue(head.matches("HTTP/1.1 4\\d\\d"), path + " -> " + head);
                assertTrue(!head.equals("HTTP/1.1 200"), path);
            }
        }
    }
}
