package dev.litemem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.litemem.ledger.testing.PostgresCluster;
import dev.litemem.testing.TempStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code litemem ledger ship|status} as a user runs them, against a real PostgreSQL. */
class LedgerCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final PostgresCluster pg = new PostgresCluster();

    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void shipOnceThenStatusForOneFileAndADataFolderWhereOneTenantIsBroken() throws Exception {
        Path dir = stores.dir();
        assertEquals(0, Cli.run(dir, "add", "invoice 1 approved", "--db", "acme.db", "-c", "invoices", "--ledger", "all",
                "--id", "inv-1").exit());
        assertEquals(0, Cli.run(dir, "add", "a scratch note", "--db", "acme.db", "-c", "scratch").exit());
        assertEquals(0, Cli.run(dir, "add", "invoice 2", "--db", "acme.db", "-c", "invoices", "--id", "inv-2").exit());

        Cli.Result before = Cli.run(dir, "ledger", "status", "--db", "acme.db", "--postgres", pg.jdbcUrl(), "--json");
        assertEquals(0, before.exit(), before.toString());
        JsonNode lag = JSON.readTree(before.lastLine());
        assertEquals("acme", lag.get("tenant").asText());
        assertEquals(2, lag.get("events_behind").asInt());
        assertTrue(lag.get("seconds_behind").asDouble() >= 0);

        Cli.Result ship = Cli.run(dir, "ledger", "ship", "--db", "acme.db", "--postgres", pg.uri(), "--once");
        assertEquals(0, ship.exit(), ship.toString());
        assertEquals("shipped 2 events from 1 tenants", ship.lastLine());
        Cli.Result again = Cli.run(dir, "ledger", "ship", "--db", "acme.db", "--postgres", pg.jdbcUrl(), "--once");
        assertEquals("shipped 0 events from 1 tenants", again.lastLine());
        Cli.Result after = Cli.run(dir, "ledger", "status", "--db", "acme.db", "--postgres", pg.jdbcUrl());
        assertEquals(0, after.exit(), after.toString());
        assertTrue(after.out().contains("acme"), after.out());
        try (Connection c = pg.connect(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT string_agg(record_id, ',' ORDER BY seq) FROM litemem.events WHERE tenant = 'acme'")) {
            rs.next();
            assertEquals("inv-1,inv-2", rs.getString(1));
        }

        // A server's data folder: one good tenant, one whose file is not a LiteMem file. The good one ships.
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("tenants"));
        Files.copy(dir.resolve("acme.db"), data.resolve("tenants/beta.db"));
        Files.writeString(data.resolve("tenants/broken.db"), "not a database at all, and long enough to be read as one");
        stores.damaged(data.resolve("tenants/broken.db"));
        Cli.Result folder = Cli.run(dir, "ledger", "ship", "--data", "data", "--postgres", pg.jdbcUrl(), "--once");
        assertEquals(Main.EXIT_FAILURE, folder.exit(), folder.toString());
        assertTrue(folder.out().contains("shipped 2 events from 2 tenants; 1 failed"), folder.toString());
        assertTrue(folder.err().contains("tenant broken:"), folder.err());

        Cli.Result badUrl = Cli.run(dir, "ledger", "ship", "--db", "acme.db", "--postgres", "mysql://x/y", "--once");
        assertEquals(Main.EXIT_FAILURE, badUrl.exit());
        assertTrue(badUrl.err().contains("must start with jdbc:postgresql:// or postgresql://"), badUrl.err());
    }
}
