package dev.litemem.server;

import static dev.litemem.server.TestServer.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.testing.TempStores;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The smaller findings of the attack on the server, each over real HTTP. */
class HardeningTest {
    static final String NOTES = records("acme", "notes");
    @RegisterExtension
    final TempStores stores = new TempStores();

    private TestServer serverWithAcme() {
        TestServer s = new TestServer(stores.dir());
        String key = s.createTenant("acme");
        assertEquals(200, s.call("PUT", NOTES, key, "{\"records\": [{\"id\": \"a\", \"text\": \"alpha\", \"metadata\":"
                + " {\"user\": \"alice\"}}]}").status());
        return s;
    }

    private static String keyOf(TestServer s) {
        return s.call("POST", "/v1/tenants", TestServer.ADMIN, "{\"name\": \"probe\"}").json().path("apiKey").asText();
    }

    @Test
    void theWhereParameterIsReadAsStrictlyAsABody() {
        try (TestServer s = new TestServer(stores.dir())) {
            String key = s.createTenant("acme");
            s.call("PUT", NOTES, key, "{\"records\": [{\"id\": \"a\", \"text\": \"alpha\", \"metadata\": {\"user\": \"alice\"}}]}");
            // 1,001 levels, and short enough for a URL: arrays nest in 6 encoded characters a level.
            String deep = "{\"a\":" + "[".repeat(1_001) + "]".repeat(1_001) + "}";
            for (String where : new String[] {deep, "{\"user\": \"alice\"} trailing", "{\"user\": \"alice\", \"user\": \"bob\"}"}) {
                String q = "?where=" + URLEncoder.encode(where, StandardCharsets.UTF_8);
                for (String method : new String[] {"GET", "DELETE"}) {
                    TestServer.Response r = s.call(method, NOTES + q, key, null);
                    assertEquals(400, r.status(), method + " " + where.length() + ": " + r.body());
                    assertEquals("where", r.field(), r.body());
                }
            }
            assertEquals(1, s.call("GET", NOTES, key, null).json().get("records").size(), "nothing was deleted");
        }
    }

    @Test
    void aTenantFileTruncatedToZeroBytesIsRefusedAsDamagedAndLeftAlone() throws Exception {
        String key;
        try (TestServer s = serverWithAcme()) {
            key = s.call("POST", "/v1/tenants", TestServer.ADMIN, "{\"name\": \"other\"}").json().get("apiKey").asText();
        }
        Path db = stores.path("tenants/acme.db");
        Files.write(db, new byte[0]);
        try (TestServer s = new TestServer(stores.dir())) {
            TestServer.Response r = s.call("GET", "/v1/tenants/acme", TestServer.ADMIN, null);
            assertEquals(500, r.status(), r.body());
            assertEquals("tenant-file-incompatible", r.problemType());
            assertFalse(r.body().contains(stores.dir().toString()), r.body());
            assertEquals(0, Files.size(db), "the damaged file is left as it is");
            assertEquals(200, s.call("GET", "/v1/tenants/other/collections", key, null).status());
        }
    }

    @Test
    void errorsJettyAnswersItselfHaveAProblemBodyForEveryMethod() throws Exception {
        try (TestServer s = new TestServer(stores.dir())) {
            String[] requests = {
                "PUT /v1/tenants/%2e%2e/collections HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
                "DELETE /v1/tenants/a%00b HTTP/1.1\r\nHost: x\r\n\r\n",
                "PUT /v1/tenants/acme HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n",
                "DELETE /" + "p".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                "BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n",
                "PUT /v1/tenants HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
                "PUT /v1/tenants HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "GET /health HTTP/9.9\r\nHost: x\r\n\r\n",
                "\u0001\u0002garbage\r\n\r\n",
            };
            for (String request : requests) {
                String response = raw(s, request);
                String shown = request.substring(0, Math.min(30, request.length()));
                String head = response.substring(0, Math.max(0, response.indexOf("\r\n")));
                assertTrue(head.matches("HTTP/1\\.1 [45]\\d\\d.*"), shown + " -> " + head);
                assertTrue(response.toLowerCase().contains("content-type: application/problem+json"), shown
                        + " -> " + response);
                assertTrue(response.contains("\"status\":"), "a problem body for " + shown + ": " + response);
            }
        }
    }

    @Test
    void aLargeBodyRefusedForItsKeyGetsTheAnswerNotAReset() throws Exception {
        try (TestServer s = new TestServer(stores.dir())) {
            for (String auth : new String[] {"", "Authorization: Bearer lmk_wrong\r\n"}) {
                // A client that sends its whole body before it reads, as most do.
                try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
                    socket.setSoTimeout(60_000);
                    OutputStream out = socket.getOutputStream();
                    int size = 12 << 20;
                    out.write(("PUT " + NOTES + " HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\r\n"
                            + "Content-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = new byte[64 * 1024];
                    java.util.Arrays.fill(chunk, (byte) 'x');
                    for (int sent = 0; sent < size; sent += chunk.length) {
                        out.write(chunk); // a reset shows here as "Broken pipe" or "Connection reset"
                    }
                    out.flush();
                    String response = new String(socket.getInputStream().readNBytes(200), StandardCharsets.ISO_8859_1);
                    assertTrue(response.startsWith(auth.isEmpty() ? "HTTP/1.1 401" : "HTTP/1.1 404"), response);
                    assertTrue(response.toLowerCase().contains("application/problem+json"), response);
                }
            }
        }
    }

    @Test
    void internalErrorsNeverShowPathsOrKeyFileDetails() throws Exception {
        String other;
        try (TestServer s = serverWithAcme()) {
            other = s.createTenant("other");
            s.call("PUT", records("other", "notes"), other, "{\"records\": [{\"id\": \"o\", \"text\": \"omega\"}]}");
        }
        Path db = stores.path("tenants/other.db");
        {
            Files.delete(db);
            Files.createSymbolicLink(db, stores.path("missing-folder/other.db"));
            Files.writeString(stores.path("tenants/acme.key"), "not a hash");
            try (TestServer again = new TestServer(stores.dir())) {
                for (String[] c : new String[][] {{"/v1/tenants/other/collections", other}, {"/v1/tenants/acme", TestServer.ADMIN}}) {
                    TestServer.Response r = again.call("GET", c[0], c[1], null);
                    assertEquals(500, r.status(), r.body());
                    assertFalse(r.body().contains(stores.dir().toString()) || r.body().contains("/tmp") || r.body().contains("length"),
                            r.body());
                    assertTrue(r.body().contains("server log"), r.body());
                }
                // A side file SQLite would never make (a folder with something in it): deletion must not stumble on it
                // and tell the path; here it is moved to the trash and removed with the rest.
                String third = again.createTenant("third");
                again.call("PUT", records("third", "notes"), third, "{\"records\": [{\"id\": \"t\", \"text\": \"tau\"}]}");
                Path odd = db.resolveSibling("third.db-journal");
                Files.createDirectories(odd.resolve("inside"));
                TestServer.Response r = again.call("DELETE", "/v1/tenants/third", TestServer.ADMIN, null);
                assertFalse(r.body().contains(stores.dir().toString()), r.body());
                assertEquals(204, r.status(), r.body());
                assertFalse(Files.exists(odd));
            }
        }
    }

    @Test
    void headNeedsTheKeyAsGetDoes() {
        try (TestServer s = serverWithAcme()) {
            String key = keyOf(s);
            assertEquals(401, s.call("HEAD", NOTES, null, null).status());
            assertEquals(401, s.call("HEAD", "/v1/tenants", null, null).status());
            assertEquals(404, s.call("HEAD", "/v1/tenants/acme/collections", key, null).status(), "another tenant's key");
            assertEquals(403, s.call("HEAD", "/v1/tenants", key, null).status());
            assertEquals(200, s.call("HEAD", "/v1/tenants", TestServer.ADMIN, null).status());
            assertEquals(200, s.call("HEAD", "/health", null, null).status());
        }
    }

    @Test
    void aRecordIdWithNulIsRefused() {
        try (TestServer s = serverWithAcme()) {
            String key = s.call("POST", "/v1/tenants", TestServer.ADMIN, "{\"name\": \"nul\"}").json().get("apiKey").asText();
            TestServer.Response r = s.call("PUT", records("nul", "notes"), key,
                    "{\"records\": [{\"id\": \"a\\u0000b\", \"text\": \"unreachable\"}]}");
            assertEquals(400, r.status(), r.body());
            assertEquals("records[0].id", r.field());
        }
    }

    /** Sends bytes as they are and reads the answer until the server closes or a body of its Content-Length arrives. */
    static String raw(TestServer s, String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) != -1; ) {
                got.write(buf, 0, n);
                if (complete(got.toString(StandardCharsets.ISO_8859_1))) {
                    break;
                }
            }
            return got.toString(StandardCharsets.UTF_8);
        } catch (java.net.SocketException e) {
            return "reset: " + e.getMessage();
        }
    }

    private static boolean complete(String response) {
        int end = response.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(response.substring(0, end));
        return m.find() && response.length() - end - 4 >= Integer.parseInt(m.group(1));
    }
}
