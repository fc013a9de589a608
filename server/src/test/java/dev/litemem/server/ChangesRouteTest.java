package dev.litemem.server;

import static dev.litemem.server.TestServer.ADMIN;
import static dev.litemem.server.TestServer.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.litemem.ChangeLogConsumer;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.client.Bookmark;
import dev.litemem.testing.TempStores;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The change feed route, bookmarks on writes and reads, and the export's position, over a real server. */
class ChangesRouteTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    private static String put(String id, String text) {
        return "{\"records\": [{\"id\": \"" + id + "\", \"text\": \"" + text + "\", \"metadata\": {\"n\": 1.50}}]}";
    }

    private static String changes(String tenant, long after, String more) {
        return "/v1/tenants/" + tenant + "/changes?after=" + after + more;
    }

    @Test
    void writesAnswerBookmarksAndTheFeedGivesTheRowsAfterAPosition() {
        try (TestServer s = new TestServer(stores.path("data"))) {
            String key = s.createTenant("acme");
            TestServer.Response first = s.call("PUT", records("acme", "notes"), key, put("a", "alpha"));
            assertEquals(200, first.status(), first.body());
            Bookmark b1 = Bookmark.parse(first.raw().headers().firstValue(Bookmark.HEADER).orElseThrow());
            assertEquals("acme", b1.tenant());
            assertEquals(first.json().get("seq").asLong(), b1.seq());
            TestServer.Response second = s.call("PUT", records("acme", "notes"), key, put("b", "beta"));
            Bookmark b2 = Bookmark.parse(second.raw().headers().firstValue(Bookmark.HEADER).orElseThrow());
            assertTrue(b1.toString().compareTo(b2.toString()) < 0, "bookmarks of one incarnation sort as text");
            assertEquals(b1.toString().length(), b2.toString().length());
            TestServer.Response delete = s.call("DELETE", records("acme", "notes") + "/a", key, null);
            assertTrue(delete.raw().headers().firstValue(Bookmark.HEADER).isPresent());

            JsonNode all = s.call("GET", changes("acme", 0, ""), key, null).json();
            assertEquals(b1.incarnation(), all.get("incarnation").asText());
            assertEquals(2, all.get("changes").size(), all.toString());
            assertEquals("b", all.get("changes").get(0).get("id").asText());
            assertEquals("{\"n\":1.5}", all.get("changes").get(0).get("metadata").asText());
            assertFalse(all.get("changes").get(0).get("vector").asText().isEmpty());
            assertEquals("delete", all.get("changes").get(1).get("op").asText());
            long position = all.get("position").asLong();
            assertEquals(position, all.get("latest").asLong());
            JsonNode after = s.call("GET", changes("acme", b1.seq(), "&limit=1"), key, null).json();
            assertEquals(1, after.get("changes").size());
            assertEquals(b1.seq() + 1, after.get("position").asLong());
            assertEquals(0, s.call("GET", changes("acme", position, ""), key, null).json().get("changes").size());
        }
    }

    @Test
    void aLongPollWakesOnTheNextCommit() throws Exception {
        try (TestServer s = new TestServer(stores.path("data"))) {
            String key = s.createTenant("acme");
            long at = s.call("PUT", records("acme", "notes"), key, put("a", "alpha")).json().get("seq").asLong();
            long start = System.nanoTime();
            CompletableFuture<TestServer.Response> waiting = CompletableFuture.supplyAsync(
                    () -> s.call("GET", changes("acme", at, "&wait=50"), key, null));
            Await.until("the poll to wait", () -> Await.threadIn(Thread.State.TIMED_WAITING, "Database", "awaitCommit"));
            s.call("PUT", records("acme", "notes"), key, put("b", "beta"));
            TestServer.Response r = waiting.get(60, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(40).toNanos());
            assertEquals(1, r.json().get("changes").size(), r.body());
            assertEquals("b", r.json().get("changes").get(0).get("id").asText());
        }
    }

    @Test
    void aPrunedPositionIsGoneAndTheExportSaysWhereToFollowFrom() {
        Path data = stores.path("data");
        try (TestServer s = new TestServer(data)) {
            String key = s.createTenant("acme");
            for (int i = 0; i < 5; i++) {
                s.call("PUT", records("acme", "notes"), key, put("r" + i, "text " + i));
            }
            try (LiteMem direct = LiteMem.open(data.resolve("tenants/acme.db"),
                    LiteMemOptions.builder().useBundledEmbedder(false).createIfMissing(false).build())) {
                direct.pruneChangeLog();
            }
            TestServer.Response gone = s.call("GET", changes("acme", 1, ""), key, null);
            assertEquals(410, gone.status(), gone.body());
            assertEquals("changes-gone", gone.problemType());
            assertTrue(gone.json().get("detail").asText().contains("export"), gone.body());
            TestServer.Response export = s.send(HttpRequest.newBuilder(URI.create(s.server.baseUrl()
                    + "/v1/tenants/acme/export")).header("Authorization", "Bearer " + key).build());
            assertEquals(200, export.status());
            long seq = Long.parseLong(export.raw().headers().firstValue("X-LiteMem-Seq").orElseThrow());
            String incarnation = export.raw().headers().firstValue("X-LiteMem-Incarnation").orElseThrow();
            TestServer.Response follow = s.call("GET", changes("acme", seq, ""), key, null);
            assertEquals(200, follow.status(), follow.body());
            assertEquals(incarnation, follow.json().get("incarnation").asText());
            assertEquals(0, follow.json().get("changes").size());
        }
    }

    @Test
    void aFollowingReplicaHoldsTheLogAndReadsCheckBookmarks() {
        Path data = stores.path("data");
        try (TestServer s = new TestServer(data)) {
            String key = s.createTenant("acme");
            String bookmark = s.call("PUT", records("acme", "notes"), key, put("a", "alpha")).raw().headers()
                    .firstValue(Bookmark.HEADER).orElseThrow();
            TestServer.Response polled = s.send(HttpRequest.newBuilder(URI.create(s.server.baseUrl()
                    + changes("acme", 1, ""))).header("Authorization", "Bearer " + key)
                    .header("X-LiteMem-Replica", "r-1").build());
            assertEquals(200, polled.status(), polled.body());
            try (LiteMem direct = LiteMem.open(data.resolve("tenants/acme.db"),
                    LiteMemOptions.builder().useBundledEmbedder(false).createIfMissing(false).build())) {
                ChangeLogConsumer held = direct.changeLogConsumers().stream().filter(c -> c.name().equals("replica.r-1"))
                        .findFirst().orElseThrow();
                assertEquals(1, held.position());
                assertTrue(held.required());
            }
            TestServer.Response read = s.send(HttpRequest.newBuilder(URI.create(s.server.baseUrl()
                    + records("acme", "notes") + "/a")).header("Authorization", "Bearer " + key)
                    .header(Bookmark.HEADER, bookmark).build());
            assertEquals(200, read.status(), read.body());
            Bookmark other = new Bookmark("acme", "0123456789abcdef0123456789abcdef", 1);
            TestServer.Response refused = s.send(HttpRequest.newBuilder(URI.create(s.server.baseUrl()
                    + records("acme", "notes") + "/a")).header("Authorization", "Bearer " + key)
                    .header(Bookmark.HEADER, other.toString()).build());
            assertEquals(412, refused.status(), refused.body());
            assertEquals("bookmark-not-reachable", refused.problemType());
            TestServer.Response malformed = s.send(HttpRequest.newBuilder(URI.create(s.server.baseUrl()
                    + records("acme", "notes") + "/a")).header("Authorization", "Bearer " + key)
                    .header(Bookmark.HEADER, "nonsense").build());
            assertEquals(400, malformed.status());
            assertEquals(Bookmark.HEADER, malformed.field());
            assertNotEquals(404, s.call("GET", changes("acme", 0, ""), ADMIN, null).status());
            assertEquals(400, s.call("GET", "/v1/tenants/acme/changes", key, null).status());
        }
    }
}
