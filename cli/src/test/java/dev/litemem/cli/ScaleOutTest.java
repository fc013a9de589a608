package dev.litemem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.litemem.cli.cluster.HashRing;
import dev.litemem.cli.cluster.NginxConfig;
import dev.litemem.cli.cluster.Node;
import dev.litemem.cli.cluster.Placement;
import dev.litemem.server.MemoryServer;
import dev.litemem.server.ServerConfig;
import dev.litemem.testing.WordHashEmbedder;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * More than one node, for real (docs/SCALE-OUT.md): LiteMem servers on loopback behind Debian's nginx running the
 * configuration {@code litemem cluster nginx-config} writes. Tenants are created and written through the proxy and
 * must sit on exactly the node {@link HashRing} names; a fourth node is filled with {@code move-tenant}, and every
 * acknowledged write is readable through the proxy afterwards. The second test kills the mover with SIGKILL halfway
 * through the copy.
 */
class ScaleOutTest {
    static final String ADMIN = "admin-key-for-the-scale-out-tests-0123";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<AutoCloseable> running = new ArrayList<>();
    private final List<MemoryServer> servers = new ArrayList<>();
    private Path root;
    private Nginx nginx;
    private int proxyPort;

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    @Test
    void threeNodesBehindNginxThenAFourthFilledByMoves(@TempDir Path dir) throws Exception {
        root = dir;
        List<Node> old = List.of(startNode(0), startNode(1), startNode(2));
        startNginx(old, List.of());
        HashRing ring = new HashRing(old);
        int tenants = 300;
        long started = System.nanoTime();
        Map<String, String> keys = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < tenants; i++) {
                String t = "t" + i;
                done.add(pool.submit(() -> {
                    keys.put(t, create(t));
                    write(t, keys.get(t), "first", 1);
                    write(t, keys.get(t), "second", 2);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdown();
        }
        for (int i = 0; i < tenants; i++) {
            assertOnlyOn("t" + i, ring.owner("t" + i));
        }
        long written = System.nanoTime();

        // A fourth node: tenants the new ring gives it are moved there, the others stay where they are.
        Node added = startNode(3);
        List<Node> all = List.of(old.get(0), old.get(1), old.get(2), added);
        HashRing bigger = new HashRing(all);
        List<String> moving = IntStream.range(0, tenants).mapToObj(i -> "t" + i)
                .filter(t -> !bigger.owner(t).equals(ring.owner(t))).toList();
        moving.forEach(t -> assertEquals(added, bigger.owner(t), "a consistent ring moves tenants only to the new node"));
        assertTrue(moving.size() > tenants / 8 && moving.size() < tenants / 2, "moving " + moving.size());
        Path placement = dir.resolve("placement");
        for (String t : moving) {
            // No drain: this test reads through nginx only after all moves and a last reload.
            assertEquals(0, move(t, ring.owner(t), added, old, List.of(added), "--drain-ms", "0"), t);
        }
        assertEquals(moving.size(), Placement.load(placement).tenants().size());
        long moved = System.nanoTime();
        // All four on the ring now; the placement agrees with it for the moved tenants.
        Files.writeString(nginx.config, NginxConfig.render(all, List.of(), Placement.load(placement), "127.0.0.1:" + proxyPort,
                dir.resolve("nginx").toString()));
        reloadAndWaitFor(moving.get(0));
        for (int i = 0; i < tenants; i++) {
            String t = "t" + i;
            assertOnlyOn(t, bigger.owner(t));
            assertReadable(t, keys.get(t), "first", "second");
        }
        System.out.printf("scale-out: %d tenants created and written twice through nginx in %d ms; %d moved to the fourth"
                + " node in %d ms (%d ms each); all %d checked in %d ms%n", tenants, (written - started) / 1_000_000,
                moving.size(), (moved - written) / 1_000_000, (moved - written) / 1_000_000 / moving.size(), tenants,
                (System.nanoTime() - moved) / 1_000_000);
        // Writes go on through the proxy, to the new node for the moved tenants.
        String t = moving.get(0);
        write(t, keys.get(t), "third", 3);
        assertReadable(t, keys.get(t), "first", "second", "third");
    }

    @Test
    void moverKilledMidCopyLeavesTheTenantWholeOnItsSourceAndARerunFinishes(@TempDir Path dir) throws Exception {
        root = dir;
        List<Node> nodes = List.of(startNode(0), startNode(1), startNode(2));
        startNginx(nodes, List.of());
        HashRing ring = new HashRing(nodes);
        String t = "acme";
        String key = create(t);
        List<String> ids = new ArrayList<>();
        for (int batch = 0; batch < 10; batch++) {
            ids.addAll(writeMany(t, key, batch, 30));
        }
        Node from = ring.owner(t);
        Node to = nodes.stream().filter(n -> !n.equals(from)).findFirst().orElseThrow();
        JsonNode before = digest(from, t);

        List<String> args = moveArgs(t, from, to, nodes, List.of());
        ProcessBuilder pb = Cli.command(dir, args.toArray(new String[0]));
        pb.command().add(pb.command().indexOf(Main.class.getName()), "-Dlitemem.test.pauseAt=copy");
        Process mover = pb.redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(mover.getInputStream(), StandardCharsets.UTF_8))) {
            StringBuilder seen = new StringBuilder();
            String line;
            while ((line = out.readLine()) != null && !line.equals("paused at copy")) {
                seen.append(line).append('\n');
            }
            assertEquals("paused at copy", line, "the mover ended before the copy: " + seen);
            mover.destroyForcibly(); // SIGKILL
            assertTrue(mover.waitFor(20, TimeUnit.SECONDS));
        }
        // Whole on the source: every acknowledged write is read through the proxy; writes wait; nothing on the target.
        assertEquals(before.get("sha256"), digest(from, t).get("sha256"));
        assertReadable(t, key, ids.toArray(new String[0]));
        HttpResponse<String> refused = send(HttpRequest.newBuilder(URI.create(proxy() + records(t)))
                .header("Authorization", "Bearer " + key)
                .PUT(HttpRequest.BodyPublishers.ofString(recordsBody("late", 0))));
        assertEquals(503, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("tenant-frozen"), refused.body());
        assertTrue(refused.headers().firstValue("Retry-After").isPresent());
        assertEquals(404, send(admin("http://" + to.name() + "/v1/tenants/" + t + "/digest").GET()).statusCode());
        assertFalse(Files.exists(dataDir(to).resolve("tenants/" + t + ".db")));

        // The same command again finishes the move.
        assertEquals(0, Main.run(args.toArray(new String[0])));
        assertOnlyOn(t, to);
        assertReadable(t, key, ids.toArray(new String[0]));
        write(t, key, "after", 4);
        assertReadable(t, key, "after");
        assertEquals(Map.of(t, to), Placement.load(dir.resolve("placement")).tenants());
        assertFalse(Files.exists(dir.resolve("placement.move-" + t)), "the journal is removed at the end");
    }

    // ---- the cluster

    private Node startNode(int i) {
        MemoryServer s = MemoryServer.start(ServerConfig.builder(root.resolve("node" + i)).host("127.0.0.1").port(0)
                .adminKey(ADMIN).embedder(new WordHashEmbedder())
                // Survives a crash of the process (none is crashed here: the mover is), not a power loss; fewer fsyncs.
                .durability(dev.litemem.Durability.NORMAL).build());
        servers.add(s);
        running.add(s);
        return Node.parse(URI.create(s.baseUrl()).getAuthority(), "node");
    }

    private Path dataDir(Node node) {
        for (int i = 0; i < servers.size(); i++) {
            if (URI.create(servers.get(i).baseUrl()).getPort() == node.port()) {
                return root.resolve("node" + i);
            }
        }
        throw new AssertionError("no node " + node);
    }

    private void startNginx(List<Node> ring, List<Node> fresh) throws Exception {
        proxyPort = Nginx.freePort();
        Path prefix = Files.createDirectories(root.resolve("nginx"));
        String config = NginxConfig.render(ring, fresh, Placement.load(root.resolve("placement")), "127.0.0.1:" + proxyPort,
                prefix.toString());
        nginx = Nginx.start(prefix, config, proxyPort);
        running.add(nginx);
    }

    private String proxy() {
        return "http://127.0.0.1:" + proxyPort;
    }

    private List<String> moveArgs(String tenant, Node from, Node to, List<Node> ring, List<Node> fresh) throws Exception {
        Path keyFile = root.resolve("admin.key");
        if (!Files.exists(keyFile)) {
            Files.writeString(keyFile, ADMIN + "\n");
        }
        List<String> args = new ArrayList<>(List.of("cluster", "move-tenant", "--tenant", tenant, "--from", from.name(),
                "--to", to.name(), "--placement", root.resolve("placement").toString(),
                "--nodes", String.join(",", ring.stream().map(Node::name).toList()),
                "--nginx-config", nginx.config.toString(), "--listen", "127.0.0.1:" + proxyPort,
                "--temp-dir", root.resolve("nginx").toString(), "--nginx-reload", nginx.reloadCommand(),
                "--proxy", proxy(), "--admin-key-file", keyFile.toString()));
        if (!fresh.isEmpty()) {
            args.addAll(List.of("--new-nodes", String.join(",", fresh.stream().map(Node::name).toList())));
        }
        return args;
    }

    /** Runs move-tenant in this JVM (a child JVM per move would cost a second each); its output is kept for failures. */
    private int move(String tenant, Node from, Node to, List<Node> ring, List<Node> fresh, String... more) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            List<String> args = moveArgs(tenant, from, to, ring, fresh);
            args.addAll(List.of(more));
            exit = Main.run(args.toArray(new String[0]));
        } finally {
            System.setOut(saved);
        }
        if (exit != 0) {
            System.out.println(captured.toString(StandardCharsets.UTF_8));
        }
        return exit;
    }

    private void reloadAndWaitFor(String movedTenant) throws Exception {
        new ProcessBuilder("sh", "-c", nginx.reloadCommand()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        // The reload is done when a new connection is answered by the new configuration: the tenant's node unfrozen.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            HttpResponse<String> r = send(admin(proxy() + "/v1/tenants/" + movedTenant + "/digest").GET());
            String nodes = send(HttpRequest.newBuilder(URI.create(proxy() + "/health"))).body();
            if (r.statusCode() == 200 && nodes.contains("\"nodes\": 4")) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "nginx did not take the new configuration: " + nginx.output());
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    // ---- requests through the proxy

    private String create(String tenant) throws Exception {
        HttpResponse<String> r = send(admin(proxy() + "/v1/tenants/" + tenant).PUT(HttpRequest.BodyPublishers.noBody()));
        assertEquals(201, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("apiKey").asText();
    }

    private static String records(String tenant) {
        return "/v1/tenants/" + tenant + "/collections/notes/records";
    }

    private static String recordsBody(String id, int n) {
        return "{\"records\": [{\"id\": \"" + id + "\", \"text\": \"note " + id + " number " + n + "\", \"metadata\": {\"n\": "
                + n + "}}]}";
    }

    /** One acknowledged write (200) of record {@code id}. */
    private void write(String tenant, String key, String id, int n) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(proxy() + records(tenant)))
                .header("Authorization", "Bearer " + key).PUT(HttpRequest.BodyPublishers.ofString(recordsBody(id, n))));
        assertEquals(200, r.statusCode(), tenant + ": " + r.body());
    }

    private List<String> writeMany(String tenant, String key, int batch, int count) throws Exception {
        List<String> ids = new ArrayList<>();
        StringBuilder body = new StringBuilder("{\"records\": [");
        for (int i = 0; i < count; i++) {
            String id = "r" + batch + "-" + i;
            ids.add(id);
            body.append(i == 0 ? "" : ",").append("{\"id\": \"").append(id).append("\", \"text\": \"record ").append(id)
                    .append(" of batch ").append(batch).append(" with some words to index\"}");
        }
        body.append("]}");
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(proxy() + records(tenant)))
                .header("Authorization", "Bearer " + key).PUT(HttpRequest.BodyPublishers.ofString(body.toString())));
        assertEquals(200, r.statusCode(), r.body());
        return ids;
    }

    private void assertReadable(String tenant, String key, String... ids) throws Exception {
        for (String id : ids) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(proxy() + records(tenant) + "/" + id))
                    .header("Authorization", "Bearer " + key).GET());
            assertEquals(200, r.statusCode(), tenant + "/" + id + ": " + r.body());
            assertEquals(id, JSON.readTree(r.body()).get("id").asText());
        }
    }

    private void assertOnlyOn(String tenant, Node owner) {
        for (int i = 0; i < servers.size(); i++) {
            Path node = root.resolve("node" + i);
            boolean here = Files.exists(node.resolve("tenants/" + tenant + ".db"));
            assertEquals(node.equals(dataDir(owner)), here, tenant + " on node" + i + " (owner " + owner + ")");
        }
    }

    private JsonNode digest(Node node, String tenant) throws Exception {
        HttpResponse<String> r = send(admin("http://" + node.name() + "/v1/tenants/" + tenant + "/digest").GET());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static HttpRequest.Builder admin(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + ADMIN);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
