package dev.litemem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.client.HttpMemoryClient;
import dev.litemem.server.MemoryServer;
import dev.litemem.server.ServerConfig;
import dev.litemem.testing.TempStores;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code litemem replica} against a real server, and the read commands on the replica file. */
class ReplicaCliTest {
    private static final String ADMIN = "cli-replica-admin-key-0123456789";

    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void aReplicaFileIsMadeCaughtUpFollowedAndQueriedButNotWritten() throws Exception {
        try (MemoryServer server = MemoryServer.start(ServerConfig.builder(stores.path("data")).port(0).adminKey(ADMIN)
                .embedder(TestEmbedderProvider.embedder()).build())) {
            HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    server.baseUrl() + "/v1/tenants")).header("Authorization", "Bearer " + ADMIN)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"name\":\"acme\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            String key = new ObjectMapper().readTree(created.body()).get("apiKey").asText();
            Files.writeString(stores.dir().resolve("acme.key"), key + "\n");
            HttpMemoryClient primary = new HttpMemoryClient(URI.create(server.baseUrl() + "/v1/tenants/acme"), key,
                    Duration.ofSeconds(30));
            primary.put("notes", Record.of("n1", "nightly backups of the billing database", Map.of()));

            Cli.Result made = Cli.run(stores.dir(), "replica", "--from", server.baseUrl(), "--tenant", "acme",
                    "--key-file", "acme.key", "--db", "local.db");
            assertEquals(0, made.exit(), made.toString());
            assertTrue(made.out().contains("replica of acme"), made.toString());

            primary.put("notes", Record.of("n2", "rotate the service keys every quarter", Map.of()));
            Cli.Result caughtUp = Cli.run(stores.dir(), "replica", "--from", server.baseUrl(), "--tenant", "acme",
                    "--key-file", "acme.key", "--db", "local.db");
            assertEquals(0, caughtUp.exit(), caughtUp.toString());
            Cli.Result hits = Cli.run(stores.dir(), "query", "rotate service keys", "--db", "local.db", "-c", "notes",
                    "--k", "1", "--json");
            assertEquals(0, hits.exit(), hits.toString());
            assertTrue(hits.out().contains("\"n2\""), hits.toString());

            Cli.Result refused = Cli.run(stores.dir(), "add", "a local write", "--db", "local.db", "-c", "notes");
            assertEquals(1, refused.exit(), refused.toString());
            assertTrue(refused.err().contains("read-only replica of acme"), refused.toString());

            Process following = Cli.command(stores.dir(), "replica", "--from", server.baseUrl(), "--tenant", "acme",
                    "--key-file", "acme.key", "--db", "local.db", "--follow").redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(following.getInputStream(),
                        StandardCharsets.UTF_8));
                String line = out.readLine();
                while (line != null && !line.startsWith("replica of acme")) {
                    line = out.readLine();
                }
                assertTrue(line != null, "the follower exited");
                primary.put("notes", Record.of("n3", "written while it follows", Map.of()));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!hasRecord(stores.dir().resolve("local.db"), "n3")) {
                    assertTrue(System.nanoTime() < deadline, "the follower did not apply the write");
                    LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
                }
            } finally {
                following.destroy(); // SIGTERM: the shutdown hook closes the replica
                assertTrue(following.waitFor(60, TimeUnit.SECONDS));
            }
        }
    }

    private static boolean hasRecord(Path file, String id) {
        try (LiteMem mem = LiteMem.open(file, LiteMemOptions.builder().useBundledEmbedder(false).build())) {
            return mem.findCollection("notes").flatMap(c -> c.get(id)).isPresent();
        }
    }
}
