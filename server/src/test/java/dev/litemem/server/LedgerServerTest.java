package dev.litemem.server;

import static dev.litemem.server.TestServer.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.ledger.testing.PostgresCluster;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The server with --ledger against a real PostgreSQL: attribution headers, explicit events, shipping, lag, isolation. */
class LedgerServerTest {
    @RegisterExtension
    static final PostgresCluster pg = new PostgresCluster();

    @TempDir
    Path dir;

    private static long count(String sql) {
        try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            // The schema may not exist yet, or PostgreSQL is busy: not there yet.
            return -1;
        }
    }

    private static void sql(String sql) throws SQLException {
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private TestServer.Response withHeaders(TestServer s, String path, String key, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.server.baseUrl() + path)).timeout(Duration.ofSeconds(60))
                .method(path.endsWith("/events") ? "POST" : "PUT", HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return s.send(b.build());
    }

    @Test
    void tenantsShipWithAttributionAndOneTenantsFailureNeverStopsTheOthers() throws Exception {
        try (TestServer s = new TestServer(dir, b -> b.ledger(pg.jdbcUrl()).ledgerPoll(Duration.ofMillis(50)))) {
            String acme = s.createTenant("acme");
            String beta = s.createTenant("beta");
            // PostgreSQL refuses beta's events (a trigger): beta fails pass after pass, acme must ship regardless.
            sql("CREATE FUNCTION litemem.refuse_beta() RETURNS trigger LANGUAGE plpgsql AS"
                    + " $$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$");
            sql("CREATE TRIGGER refuse_beta BEFORE INSERT ON litemem.events FOR EACH ROW WHEN (NEW.tenant = 'beta')"
                    + " EXECUTE FUNCTION litemem.refuse_beta()");
            for (String[] t : new String[][] {{"acme", acme}, {"beta", beta}}) {
                var created = s.call("PUT", "/v1/tenants/" + t[0] + "/collections/invoices", t[1], "{\"ledger\": \"all\"}");
                assertEquals(201, created.status(), created.body());
            }
            var put = withHeaders(s, records("acme", "invoices"), acme,
                    "{\"records\": [{\"id\": \"inv-1\", \"text\": \"approved invoice\"}]}",
                    "X-LiteMem-Actor", "billing-agent", "X-LiteMem-On-Behalf-Of", "alice", "X-LiteMem-Model", "gpt-4o",
                    "X-LiteMem-Authority", "invoices:write", "X-Request-Id", "req-77");
            assertEquals(200, put.status(), put.body());
            var event = withHeaders(s, "/v1/tenants/acme/ledger/events", acme,
                    "{\"type\": \"invoice.approved\", \"payload\": {\"invoice\": \"inv-1\", \"total\": 12}}",
                    "X-LiteMem-Actor", "approver");
            assertEquals(201, event.status(), event.body());
            assertTrue(event.json().get("seq").asLong() > 0);
            assertEquals(200, s.call("PUT", records("beta", "invoices"), beta,
                    "{\"records\": [{\"id\": \"b-1\", \"text\": \"beta's\"}]}").status());

            Await.until("acme's two events in the ledger", () -> count("SELECT count(*) FROM litemem.events"
                    + " WHERE tenant = 'acme'") == 2);
            assertEquals(1, count("SELECT count(*) FROM litemem.events WHERE tenant = 'acme' AND record_id = 'inv-1'"
                    + " AND actor = 'billing-agent' AND on_behalf_of = 'alice' AND model = 'gpt-4o'"
                    + " AND authority = 'invoices:write' AND request_id = 'req-77' AND op = 'insert'"));
            assertEquals(1, count("SELECT count(*) FROM litemem.events WHERE tenant = 'acme' AND type = 'invoice.approved'"
                    + " AND actor = 'approver' AND (payload->>'total')::int = 12"));
            Await.until("beta's failures counted", () -> s.call("GET", "/metrics", null, null).body()
                    .lines().anyMatch(l -> l.startsWith("litemem_ledger_tenant_failures_total") && !l.endsWith(" 0.0")));
            String metrics = s.call("GET", "/metrics", null, null).body();
            assertTrue(metrics.contains("litemem_ledger_events_behind{tenant=\"acme\"}"), metrics);
            assertTrue(metrics.contains("litemem_ledger_seconds_behind{tenant=\"acme\"}"), metrics);
            assertEquals(0, count("SELECT count(*) FROM litemem.events WHERE tenant = 'beta'"));

            // Once PostgreSQL accepts beta's events again, beta catches up.
            sql("DROP TRIGGER refuse_beta ON litemem.events");
            Await.until("beta's event in the ledger", () -> count("SELECT count(*) FROM litemem.events"
                    + " WHERE tenant = 'beta'") == 1);
            assertEquals(1, count("SELECT count(*) FROM litemem.events WHERE tenant = 'beta' AND actor = 'beta'"),
                    "without X-LiteMem-Actor the tenant is the actor");
        }
    }

    @Test
    void badAttributionHeadersAndBadEventsAreRefusedAndWriteNothing() {
        try (TestServer s = new TestServer(dir)) {
            String key = s.createTenant("acme");
            var longModel = withHeaders(s, records("acme", "notes"), key, "{\"records\": [{\"id\": \"a\", \"text\": \"x\"}]}",
                    "X-LiteMem-Model", "m".repeat(300));
            assertEquals(400, longModel.status(), longModel.body());
            assertEquals("X-LiteMem-Model", longModel.field());
            var noPayload = withHeaders(s, "/v1/tenants/acme/ledger/events", key, "{\"type\": \"x\"}");
            assertEquals(400, noPayload.status());
            assertEquals("payload", noPayload.field());
            var badType = withHeaders(s, "/v1/tenants/acme/ledger/events", key, "{\"type\": \"a b\", \"payload\": {}}");
            assertEquals(400, badType.status());
            assertEquals("type", badType.field());
            var wrongKey = withHeaders(s, "/v1/tenants/acme/ledger/events", "nope", "{\"type\": \"t\", \"payload\": {}}");
            assertEquals(404, wrongKey.status());
            assertEquals(0, s.call("GET", "/v1/tenants/acme", key, null).json().path("lastSeq").asLong(0));
        }
    }
}
