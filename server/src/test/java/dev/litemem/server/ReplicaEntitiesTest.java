package dev.litemem.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.client.HttpMemoryClient;
import dev.litemem.client.Replica;
import dev.litemem.memory.MemoryHit;
import dev.litemem.memory.RememberOptions;
import dev.litemem.memory.Scope;
import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import java.net.URI;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Agent memory and work state through the change feed (docs/REPLICAS.md): after remember, supersede, undo, forget,
 * state put/compare-and-set/delete, journal appends and an idempotent step on the primary, every row of the replica's
 * memory and work tables equals the primary's, and a local recall answers what the primary's does.
 */
class ReplicaEntitiesTest {
    /** Every table of agent memory and work state, each as the query that lists its rows in a stable order. */
    static final Map<String, String> TABLES = Map.of(
            "memory records", "SELECT r.row_id, r.id, r.text, r.metadata, r.source, r.chunk, r.created_at, r.updated_at,"
                    + " r.embedding FROM records r JOIN collections c ON c.id = r.collection_id"
                    + " WHERE c.name = '_memories' ORDER BY r.row_id",
            "memories", "SELECT * FROM memories ORDER BY row_id",
            "memory_versions", "SELECT * FROM memory_versions ORDER BY version",
            "work_state", "SELECT * FROM work_state ORDER BY user_id, agent_id, session_id, key",
            "journal", "SELECT * FROM journal ORDER BY seq",
            "idempotency_keys", "SELECT * FROM idempotency_keys ORDER BY key");

    @RegisterExtension
    final TempStores stores = new TempStores();

    /** Every row of every table above, one line per row (blobs in hex), per table. */
    static Map<String, List<String>> rows(Handle h) {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        try (Statement s = h.getConnection().createStatement()) {
            for (Map.Entry<String, String> t : TABLES.entrySet()) {
                List<String> lines = new ArrayList<>();
                try (ResultSet rs = s.executeQuery(t.getValue())) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder line = new StringBuilder();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            Object v = rs.getObject(i);
                            line.append(md.getColumnName(i)).append('=')
                                    .append(v instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(v))
                                    .append(' ');
                        }
                        lines.add(line.toString());
                    }
                }
                out.put(t.getKey(), lines);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    static String remember(TestServer s, String key, String user, String text) {
        TestServer.Response r = s.call("POST", "/v1/tenants/acme/memories", key,
                "{\"user\":\"" + user + "\",\"text\":\"" + text + "\"}");
        assertEquals(201, r.status(), r.body());
        return r.json().get("id").asText();
    }

    static void ok(TestServer.Response r) {
        assertTrue(r.status() / 100 == 2, r.status() + " " + r.body());
    }

    @Test
    void memoryAndWorkStateOfThePrimaryAreTheReplicasRowForRowAndRecallRunsLocally() throws Exception {
        Path data = stores.path("data");
        try (TestServer s = new TestServer(data)) {
            String key = s.createTenant("acme");
            HttpMemoryClient primary = new HttpMemoryClient(URI.create(s.server.baseUrl() + "/v1/tenants/acme"), key,
                    Duration.ofSeconds(30));
            primary.put("notes", Record.of("n1", "a record beside the memories", Map.of()));
            String early = remember(s, key, "u1", "the user prefers green tea in the morning");
            try (Replica replica = ReplicaTest.replica(stores.path("replica.db"), s.server.baseUrl(), "acme", key)
                    .open()) {
                // After the snapshot: every kind of change, through the server's routes.
                String coffee = remember(s, key, "u1", "the user drinks coffee after lunch");
                remember(s, key, "u1", "the user lives in Lisbon near the river");
                String gone = remember(s, key, "u1", "a memory that an undo removes again");
                remember(s, key, "u2", "the second user likes chess and long walks");
                remember(s, key, "u2", "the second user has a cat named Miso");
                ok(s.call("POST", "/v1/tenants/acme/memories/undo", key, "{\"user\":\"u1\",\"n\":1}"));
                ok(s.call("PUT", "/v1/tenants/acme/state/plan?user=u1", key, "{\"value\":{\"step\":1}}"));
                ok(s.call("PUT", "/v1/tenants/acme/state/plan?user=u1", key,
                        "{\"value\":{\"step\":2},\"expectedVersion\":1}"));
                assertEquals(409, s.call("PUT", "/v1/tenants/acme/state/plan?user=u1", key,
                        "{\"value\":{\"step\":9},\"expectedVersion\":1}").status());
                ok(s.call("PUT", "/v1/tenants/acme/state/scratch?user=u1", key, "{\"value\":[1,2,3]}"));
                ok(s.call("DELETE", "/v1/tenants/acme/state/scratch?user=u1", key, null));
                ok(s.call("PUT", "/v1/tenants/acme/state/mood?user=u2", key, "{\"value\":\"calm\"}"));
                for (int i = 0; i < 3; i++) {
                    ok(s.call("POST", "/v1/tenants/acme/journal/run-1", key,
                            "{\"type\":\"step\",\"payload\":{\"n\":" + i + "}}"));
                }
                // Supersede and an idempotent step have no route: a second instance on the tenant's file writes them.
                try (LiteMem direct = LiteMem.open(data.resolve("tenants/acme.db"), LiteMemOptions.builder()
                        .embedder(new WordHashEmbedder()).createIfMissing(false).build())) {
                    direct.memory().supersede(coffee, "the user drinks tea after lunch now", RememberOptions.defaults());
                    direct.work().once("charge-42", () -> "{\"charged\":true}");
                }
                ok(s.call("DELETE", "/v1/tenants/acme/memories?user=u2", key, null));
                remember(s, key, "u2", "the second user came back and likes go");

                replica.sync();
                Map<String, List<String>> expected;
                try (LiteMem direct = LiteMem.open(data.resolve("tenants/acme.db"), LiteMemOptions.builder()
                        .useBundledEmbedder(false).createIfMissing(false).build())) {
                    expected = direct.withReadHandle(ReplicaEntitiesTest::rows);
                }
                Map<String, List<String>> actual = replica.read(() -> replica.local().withReadHandle(
                        ReplicaEntitiesTest::rows));
                assertEquals(expected, actual);
                assertEquals(5, expected.get("memories").size(), "u1: 3 current + 1 superseded; u2: 1 after the forget");
                assertFalse(expected.get("memory_versions").isEmpty());
                assertEquals(1, expected.get("work_state").size(), "u2's state went with its forget");
                assertEquals(3, expected.get("journal").size());
                // charge-42, and the Idempotency-Key of the HTTP client's put (every write of it carries one).
                assertEquals(2, expected.get("idempotency_keys").size());

                // Reads of memory and work state answer from the local file.
                LiteMem local = replica.local();
                assertTrue(replica.read(() -> local.memory().get(gone)).isEmpty());
                assertTrue(replica.read(() -> local.memory().history(coffee)).size() >= 2, "insert and supersede");
                assertEquals("{\"step\":2}", replica.read(() -> local.work().state(Scope.forUser("u1")).get("plan"))
                        .orElseThrow().value());
                assertEquals(3, replica.read(() -> local.work().journal("run-1").read(0, 10)).size());
                for (String q : new String[] {"what does the user drink", "where does the user live", "tea",
                        "chess and go"}) {
                    for (String user : new String[] {"u1", "u2"}) {
                        List<String> local10 = ids(replica.recall(Scope.forUser(user), q, 10));
                        assertEquals(ids(primary.recall(Scope.forUser(user), q, 10)), local10, user + " '" + q + "'");
                    }
                }
                assertTrue(ids(replica.recall(Scope.forUser("u1"), "green tea", 3)).contains(early));
            }
        }
    }

    static List<String> ids(List<MemoryHit> hits) {
        return hits.stream().map(h -> h.memory().id()).toList();
    }
}
