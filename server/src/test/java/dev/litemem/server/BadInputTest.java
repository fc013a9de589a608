package dev.litemem.server;

import static dev.litemem.server.TestServer.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input gets a 400 or 413 problem naming the field, never a stack trace, never the user's data. */
class BadInputTest {
    static final String SECRET = "zebra-secret-7781";
    static final String PUT = records("acme", "notes");
    static final String SEARCH = "/v1/tenants/acme/collections/notes/search";
    @TempDir
    Path dir;
    TestServer s;
    String key;

    @BeforeEach
    void start() {
        s = new TestServer(dir, b -> b.maxBodyBytes(64 * 1024).maxBatch(10).maxTextChars(1000).maxK(50));
        key = s.createTenant("acme");
        assertEquals(200, s.call("PUT", PUT, key, "{\"records\": [{\"id\": \"a\", \"text\": \"hello world\"}]}").status());
    }

    @AfterEach
    void stop() {
        s.close();
    }

    private TestServer.Response expect(int status, String type, String field, TestServer.Response r) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
        assertEquals(type, r.problemType(), r.body());
        if (field != null) {
            assertEquals(field, r.field(), r.body());
        }
        assertFalse(r.body().contains(SECRET), "the problem quotes user data: " + r.body());
        assertFalse(r.body().contains("at dev.litemem") || r.body().contains("Exception"), r.body());
        return r;
    }

    @Test
    void malformedJsonIsRefused() {
        expect(400, "invalid-json", null, s.call("PUT", PUT, key, "{\"records\": [{\"id\": \"" + SECRET + "\", "));
        expect(400, "invalid-json", null, s.call("PUT", PUT, key, "{\"records\": " + SECRET + "}"));
        expect(400, "invalid-json", null, s.call("PUT", PUT, key, "[1, 2]"));
        expect(400, "invalid-json", null, s.call("PUT", PUT, key, ""));
        expect(400, "invalid-json", null, s.call("PUT", PUT, key, "{\"records\": [], \"records\": []}"));
        expect(400, "invalid-json", null, s.call("PUT", PUT, key, "{\"records\": []} trailing"));
        expect(400, "invalid-json", null, s.call("PUT", PUT, key, "[".repeat(200) + "]".repeat(200)));
        expect(400, "invalid-json", null, s.call("POST", SEARCH, key, "{\"vector\": [NaN, 1]}"));
        expect(400, "invalid-json", null, s.call("POST", SEARCH, key, "{\"vector\": [Infinity, 1]}"));
    }

    @Test
    void badRecordsNameTheirField() {
        String v31 = "[" + "0.1,".repeat(30) + "0.1]";
        expect(400, "invalid-input", "records[0].vector",
                s.call("PUT", PUT, key, "{\"records\": [{\"id\": \"x\", \"text\": \"" + SECRET + "\", \"vector\": " + v31 + "}]}"));
        String v32huge = "[1e400" + ",0.1".repeat(31) + "]";
        expect(400, "invalid-input", "records[0].vector[0]",
                s.call("PUT", PUT, key, "{\"records\": [{\"id\": \"x\", \"vector\": " + v32huge + "}]}"));
        expect(400, "invalid-input", "records[1].vector[2]",
                s.call("PUT", PUT, key, "{\"records\": [{\"id\": \"x\", \"text\": \"ok\"}, {\"id\": \"y\", \"vector\": [1, 2, \"3\"]}]}"));
        expect(400, "invalid-input", "records[0].metadata",
                s.call("PUT", PUT, key, "{\"records\": [{\"id\": \"x\", \"text\": \"ok\", \"metadata\": [\"" + SECRET + "\"]}]}"));
        expect(400, "invalid-input", "records[0].id",
                s.call("PUT", PUT, key, "{\"records\": [{\"id\": 7, \"text\": \"ok\"}]}"));
        expect(400, "invalid-input", "records[0].id",
                s.call("PUT", PUT, key, "{\"records\": [{\"id\": \"   \", \"text\": \"ok\"}]}"));
        expect(413, "payload-too-large", "records[0].id",
                s.call("PUT", PUT, key, "{\"records\": [{\"id\": \"" + "i".repeat(513) + "\", \"text\": \"ok\"}]}"));
        expect(400, "invalid-input", "records[0]", s.call("PUT", PUT, key, "{\"records\": [{\"id\": \"x\"}]}"));
        expect(400, "invalid-input", "records", s.call("PUT", PUT, key, "{\"rows\": []}"));
        expect(413, "payload-too-large", "records[0].text",
                s.call("PUT", PUT, key, "{\"records\": [{\"id\": \"x\", \"text\": \"" + "w ".repeat(600) + "\"}]}"));
        StringBuilder batch = new StringBuilder("{\"records\": [");
        for (int i = 0; i < 11; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"id\": \"r").append(i).append("\", \"text\": \"t\"}");
        }
        expect(413, "payload-too-large", "records", s.call("PUT", PUT, key, batch + "]}"));
        assertEquals(1, s.call("GET", PUT, key, null).json().get("records").size(), "nothing of a refused batch is written");
    }

    @Test
    void badSearchesNameTheirField() {
        expect(400, "invalid-input", "k", s.call("POST", SEARCH, key, "{\"text\": \"hello\", \"k\": 51}"));
        expect(400, "invalid-input", "k", s.call("POST", SEARCH, key, "{\"text\": \"hello\", \"k\": 0}"));
        expect(400, "invalid-input", "k", s.call("POST", SEARCH, key, "{\"text\": \"hello\", \"k\": 2.5}"));
        expect(400, "invalid-input", "text", s.call("POST", SEARCH, key, "{\"k\": 3}"));
        expect(400, "invalid-input", "text", s.call("POST", SEARCH, key, "{\"text\": \"   \"}"));
        expect(400, "invalid-input", "vector", s.call("POST", SEARCH, key, "{\"vector\": [1, 2, 3]}"));
        expect(400, "invalid-input", "vector", s.call("POST", SEARCH, key, "{\"vector\": [" + "0,".repeat(31) + "0]}"));
        expect(413, "payload-too-large", "text", s.call("POST", SEARCH, key, "{\"text\": \"" + "x".repeat(1001) + "\"}"));
        expect(400, "invalid-input", "where.year.$gt",
                s.call("POST", SEARCH, key, "{\"text\": \"hello\", \"where\": {\"year\": {\"$gt\": [\"" + SECRET + "\"]}}}"));
        expect(400, "invalid-input", "mode", s.call("POST", SEARCH, key, "{\"text\": \"hello\", \"mode\": \"magic\"}"));
        expect(400, "invalid-input", "where",
                s.call("GET", PUT + "?where=" + URLEncoder.encode("{\"a\":", StandardCharsets.UTF_8), key, null));
        expect(400, "invalid-input", "limit", s.call("GET", PUT + "?limit=0", key, null));
        expect(400, "invalid-input", "limit", s.call("GET", PUT + "?limit=abc", key, null));
    }

    @Test
    void bodiesOverTheLimitAre413WithOrWithoutContentLength() {
        String big = "{\"records\": [{\"id\": \"x\", \"text\": \"" + "a".repeat(70 * 1024) + "\"}]}";
        expect(413, "payload-too-large", "body", s.call("PUT", PUT, key, big));
        byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
        HttpRequest chunked = HttpRequest.newBuilder(URI.create(s.server.baseUrl() + PUT))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.fromPublisher(new ChunkedPublisher(bytes))).build();
        expect(413, "payload-too-large", "body", s.send(chunked));
        expect(413, "payload-too-large", "body", s.send(HttpRequest.newBuilder(URI.create(s.server.baseUrl()
                        + "/v1/tenants/acme/collections/notes/documents?source=big.txt"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.fromPublisher(new ChunkedPublisher(bytes))).build()));
        String boundary = "b0undary";
        String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n\r\n"
                + "a".repeat(70 * 1024) + "\r\n--" + boundary + "--\r\n";
        expect(413, "payload-too-large", "body", s.call("POST", "/v1/tenants/acme/collections/notes/documents", key,
                multipart, "multipart/form-data; boundary=" + boundary));
        byte[] multipartBytes = multipart.getBytes(StandardCharsets.UTF_8);
        var chunkedMultipart = s.send(HttpRequest.newBuilder(URI.create(s.server.baseUrl()
                        + "/v1/tenants/acme/collections/notes/documents"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.fromPublisher(new ChunkedPublisher(multipartBytes))).build());
        assertTrue(chunkedMultipart.status() == 400 || chunkedMultipart.status() == 413, chunkedMultipart.body());
        assertTrue(chunkedMultipart.contentType().startsWith("application/problem+json"));
        assertEquals(200, s.call("GET", PUT + "/a", key, null).status());
    }

    @Test
    void otherTenantsAreServedWhileOneSendsGarbage() throws Exception {
        String other = s.createTenant("other");
        String otherPut = records("other", "notes");
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> garbage = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                garbage.add(pool.submit(() -> {
                    int sent = 0;
                    while (!stop.get() && sent < 300) {
                        int status = switch (sent % 4) {
                            case 0 -> s.call("PUT", PUT, key, "{\"records\": [{\"id\": ").status();
                            case 1 -> s.call("PUT", PUT, key, "{\"records\": [{\"id\": \"x\", \"vector\": [1e400]}]}").status();
                            case 2 -> s.call("POST", SEARCH, key, "{\"text\": \"" + "x".repeat(2000) + "\"}").status();
                            default -> s.call("PUT", PUT, key, "x".repeat(70 * 1024)).status();
                        };
                        assertTrue(status == 400 || status == 413, "garbage got " + status);
                        sent++;
                    }
                    return sent;
                }));
            }
            for (int i = 0; i < 40; i++) {
                var put = s.call("PUT", otherPut, other, "{\"records\": [{\"id\": \"n" + i + "\", \"text\": \"note number " + i + "\"}]}");
                assertEquals(200, put.status(), put.body());
                var search = s.call("POST", "/v1/tenants/other/collections/notes/search", other, "{\"text\": \"note number\", \"k\": 3}");
                assertEquals(200, search.status(), search.body());
            }
            stop.set(true);
            for (Future<Integer> g : garbage) {
                assertTrue(g.get(60, TimeUnit.SECONDS) > 0);
            }
            assertEquals(40, s.call("GET", "/v1/tenants/other/collections/notes", other, null).json().get("count").asInt());
        } finally {
            stop.set(true);
            pool.shutdown();
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        }
    }

    /** A body without Content-Length (chunked transfer encoding). */
    static final class ChunkedPublisher implements Flow.Publisher<ByteBuffer> {
        private final byte[] bytes;

        ChunkedPublisher(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            HttpRequest.BodyPublishers.ofByteArray(bytes).subscribe(subscriber);
        }
    }
}
