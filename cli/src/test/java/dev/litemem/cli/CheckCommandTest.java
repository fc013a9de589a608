package dev.litemem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code litemem check} as users run it: exit codes, the text and the JSON shape of docs/OPERATIONS.md. */
class CheckCommandTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void aCleanFileExitsZeroAndAFolderWithADamagedTenantExitsOneNamingTheRow() throws Exception {
        Path data = stores.dir().resolve("data");
        Path tenants = Files.createDirectories(data.resolve("tenants"));
        Path good = tenant(tenants.resolve("alpha.db"));
        Path bad = tenant(tenants.resolve("beta.db"));
        stores.damaged(bad);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + bad); Statement s = c.createStatement()) {
            s.execute("UPDATE records SET embedding = x'00' WHERE id = 'n3'");
        }

        Cli.Result clean = Cli.run(stores.dir(), "check", good.toString());
        assertEquals(0, clean.exit(), clean.toString());
        assertTrue(clean.out().contains("alpha.db: clean"), clean.toString());

        Cli.Result text = Cli.run(stores.dir(), "check", "--data", data.toString());
        assertEquals(1, text.exit(), text.toString());
        assertTrue(text.out().contains("vector     records row 4: the stored vector of row 4"), text.toString());
        assertTrue(text.lastLine().contains("2 tenant file(s)") && text.lastLine().contains("1 clean, 1 with findings"),
                text.toString());

        Cli.Result json = Cli.run(stores.dir(), "check", "--data", data.toString(), "--json");
        assertEquals(1, json.exit(), json.toString());
        JsonNode root = Output.JSON.readTree(json.out());
        assertEquals(false, root.get("clean").asBoolean());
        assertEquals(2, root.get("checked").asInt());
        assertEquals(1, root.get("with_findings").asInt());
        JsonNode alpha = root.get("files").get(0);
        assertEquals("alpha", alpha.get("tenant").asText());
        assertTrue(alpha.get("clean").asBoolean());
        JsonNode finding = root.get("files").get(1).get("findings").get(0);
        assertEquals("vector", finding.get("kind").asText());
        assertEquals("records", finding.get("table").asText());
        assertEquals(4, finding.get("row").asLong());
        assertTrue(finding.get("message").asText().contains("1 bytes"), finding.toString());
    }

    @Test
    void badUsageExitsTwoWithAClearMessage() throws Exception {
        Path file = tenant(stores.dir().resolve("one.db"));
        assertUsage(Cli.run(stores.dir(), "check"), "give either FILE or --data DIR");
        assertUsage(Cli.run(stores.dir(), "check", file.toString(), "--data", stores.dir().toString()),
                "give either FILE or --data DIR");
        assertUsage(Cli.run(stores.dir(), "check", "absent.db"), "absent.db does not exist");
        assertUsage(Cli.run(stores.dir(), "check", "--data", stores.dir().toString()), "is not a server data folder");
    }

    private static void assertUsage(Cli.Result r, String message) {
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains(message), r.toString());
    }

    private Path tenant(Path file) {
        try (LiteMem mem = LiteMem.open(file, LiteMemOptions.builder().embedder(new WordHashEmbedder()).build())) {
            for (int i = 0; i < 5; i++) {
                mem.collection("notes").upsert(Record.of("n" + i, "note number " + i, Map.of()));
            }
        }
        return file;
    }
}
