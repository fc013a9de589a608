package dev.litemem.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Memories, work state and journal over real HTTP against a real server on a loopback port. */
class MemoryRoutesTest {
    private static final String M = "/v1/tenants/acme/memories";

    @TempDir
    Path dir;
    TestServer s;
    String key;

    @BeforeEach
    void start() {
        s = new TestServer(dir);
        key = s.createTenant("acme");
    }

    @AfterEach
    void stop() {
        s.close();
    }

    @Test
    void rememberRecallListHistoryUndoAndForget() {
        var added = s.call("POST", M, key, """
                {"user": "alice", "text": "Alice prefers short answers", "kind": "preference", "importance": 0.9,
                 "metadata": {"source": "chat"}}""");
        assertEquals(201, added.status(), added.body());
        assertEquals("ADDED", added.json().get("outcome").asText());
        String id = added.json().get("id").asText();
        var again = s.call("POST", M, key, "{\"user\": \"alice\", \"text\": \"alice prefers short answers.\"}");
        assertEquals(200, again.status(), again.body());
        assertEquals("UNCHANGED", again.json().get("outcome").asText());
        assertEquals(id, again.json().get("id").asText());
        assertEquals(201, s.call("POST", M, key, "{\"user\": \"bob\", \"text\": \"Bob prefers long answers\"}").status());
        assertEquals(201, s.call("POST", M, key, "{\"user\": \"alice\", \"session\": \"s1\", \"text\": \"Alice asked"
                + " about invoices\", \"ttlSeconds\": 3600}").status());

        var recall = s.call("POST", M + "/recall", key, "{\"user\": \"alice\", \"query\": \"answers\", \"k\": 5,"
                + " \"weights\": [1, 0, 1]}");
        assertEquals(200, recall.status(), recall.body());
        JsonNode hits = recall.json().get("hits");
        assertEquals(2, hits.size(), recall.body());
        assertEquals(id, hits.get(0).get("memory").get("id").asText());
        assertEquals("preference", hits.get(0).get("memory").get("kind").asText());
        for (JsonNode h : hits) {
            assertEquals("alice", h.get("memory").get("user").asText());
        }
        var session = s.call("POST", M + "/recall", key, "{\"user\": \"alice\", \"session\": \"s1\", \"query\": \"answers"
                + " invoices\", \"kinds\": [\"fact\"]}");
        assertEquals(1, session.json().get("hits").size(), session.body());

        var page = s.call("GET", M + "?user=alice&limit=1", key, null);
        assertEquals(1, page.json().get("memories").size());
        assertTrue(page.json().has("nextCursor"));
        assertEquals("Alice prefers short answers", s.call("GET", M + "/" + id, key, null).json().get("text").asText());
        assertEquals(404, s.call("GET", M + "/nope", key, null).status());
        assertEquals("insert", s.call("GET", M + "/" + id + "/history", key, null).json().get("versions").get(0)
                .get("op").asText());

        var undo = s.call("POST", M + "/undo", key, "{\"user\": \"alice\", \"session\": \"s1\", \"n\": 1}");
        assertEquals(1, undo.json().get("undone").asInt(), undo.body());
        var forget = s.call("DELETE", M + "?user=alice", key, null);
        assertEquals(1, forget.json().get("forgotten").asInt(), forget.body());
        assertEquals(0, s.call("GET", M + "?user=alice", key, null).json().get("memories").size());
        assertEquals(1, s.call("GET", M + "?user=bob", key, null).json().get("memories").size());
    }

    @Test
    void stateWithCompareAndSetAndTheJournal() {
        String state = "/v1/tenants/acme/state/plan?user=alice&session=run-7";
        var first = s.call("PUT", state, key, "{\"value\": {\"step\": 1}, \"expectedVersion\": 0}");
        assertEquals(200, first.status(), first.body());
        assertEquals(1, first.json().get("version").asLong());
        var lost = s.call("PUT", state, key, "{\"value\": {\"step\": 9}, \"expectedVersion\": 0}");
        assertEquals(409, lost.status(), lost.body());
        assertEquals("expectedVersion", lost.field());
        assertEquals(2, s.call("PUT", state, key, "{\"value\": {\"step\": 2}, \"expectedVersion\": 1}").json()
                .get("version").asLong());
        var read = s.call("GET", state, key, null);
        assertEquals(2, read.json().get("value").get("step").asInt());
        assertEquals(404, s.call("GET", "/v1/tenants/acme/state/plan?user=bob", key, null).status());
        assertEquals(204, s.call("DELETE", state, key, null).status());
        assertEquals(404, s.call("GET", state, key, null).status());

        String journal = "/v1/tenants/acme/journal/run-7";
        long a = s.call("POST", journal, key, "{\"type\": \"tool_call\", \"payload\": {\"tool\": \"search\"}}").json()
                .get("seq").asLong();
        long b = s.call("POST", journal, key, "{\"type\": \"tool_result\", \"payload\": [1, 2]}").json().get("seq")
                .asLong();
        assertTrue(b > a);
        JsonNode all = s.call("GET", journal, key, null).json().get("entries");
        assertEquals(2, all.size());
        assertEquals("search", all.get(0).get("payload").get("tool").asText());
        JsonNode since = s.call("GET", journal + "?after=" + a + "&type=tool_result", key, null).json().get("entries");
        assertEquals(1, since.size());
        assertEquals(b, since.get(0).get("seq").asLong());
    }

    @Test
    void badRequestsAreRefusedWithTheField() {
        var noScope = s.call("POST", M, key, "{\"text\": \"x\"}");
        assertEquals(400, noScope.status(), noScope.body());
        assertEquals("scope", noScope.field());
        var importance = s.call("POST", M, key, "{\"user\": \"a\", \"text\": \"x\", \"importance\": 2}");
        assertEquals("importance", importance.field());
        var weights = s.call("POST", M + "/recall", key, "{\"user\": \"a\", \"query\": \"x\", \"weights\": [1]}");
        assertEquals("weights", weights.field());
        var value = s.call("PUT", "/v1/tenants/acme/state/k?user=a", key, "{}");
        assertEquals("value", value.field());
        String other = s.createTenant("other");
        // Another tenant's key finds no such tenant, as on the record routes (IsolationTest).
        assertEquals(404, s.call("GET", M + "?user=a", other, null).status());
        assertEquals(404, s.call("POST", M, other, "{\"user\": \"a\", \"text\": \"x\"}").status());
    }
}
