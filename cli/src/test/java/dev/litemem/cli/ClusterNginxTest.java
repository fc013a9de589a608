package dev.litemem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.InvalidInputException;
import dev.litemem.cli.cluster.HashRing;
import dev.litemem.cli.cluster.NginxConfig;
import dev.litemem.cli.cluster.Node;
import dev.litemem.cli.cluster.Placement;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code litemem cluster nginx-config} and the Java ring against a real nginx: the generated configuration behind which
 * three stand-in nodes (server blocks of the same nginx answering their own port) receive 1,000 tenants each exactly
 * where {@link HashRing} says, placed tenants where the placement file says, and the routes without a tenant as
 * documented.
 */
class ClusterNginxTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void nginxSendsEveryTenantWhereTheJavaRingSays(@TempDir Path dir) throws Exception {
        List<Node> nodes = List.of(Node.parse("127.0.0.1:" + Nginx.freePort(), "n"),
                Node.parse("127.0.0.1:" + Nginx.freePort(), "n"), Node.parse("localhost:" + Nginx.freePort(), "n"));
        Path placementFile = dir.resolve("placement");
        Files.writeString(placementFile, "# placed by hand\nplaced-a " + nodes.get(0) + "\n\nplaced-b " + nodes.get(2) + "\n");
        Placement placement = Placement.load(placementFile);
        int port = Nginx.freePort();
        Path prefix = Files.createDirectories(dir.resolve("nginx"));
        Cli.Result printed = Cli.run(dir, "cluster", "nginx-config", "--nodes",
                String.join(",", nodes.stream().map(Node::name).toList()), "--placement", placementFile.toString(),
                "--listen", "127.0.0.1:" + port, "--temp-dir", prefix.toString());
        assertEquals(0, printed.exit(), printed.toString());
        assertEquals(NginxConfig.render(nodes, List.of(), placement, "127.0.0.1:" + port, prefix.toString()), printed.out());
        StringBuilder standIns = new StringBuilder();
        for (Node n : nodes) {
            standIns.append("    server {\n        listen 127.0.0.1:").append(n.port()).append(";\n")
                    .append("        location / {\n            default_type text/plain;\n")
                    .append("            return 200 \"").append(n.port()).append(" $request_uri\";\n        }\n    }\n");
        }
        String config = Nginx.adapt(printed.out(), standIns.toString());
        assertNull(Nginx.test(prefix, config));
        HashRing ring = new HashRing(nodes);
        try (Nginx nginx = Nginx.start(prefix, config, port)) {
            Map<Node, Integer> counts = new HashMap<>();
            for (int i = 0; i < 1000; i++) {
                String tenant = "tenant-" + i;
                Node owner = ring.owner(tenant);
                counts.merge(owner, 1, Integer::sum);
                assertEquals(owner.port() + " /v1/tenants/" + tenant + "/collections/c/search",
                        get(nginx.url() + "/v1/tenants/" + tenant + "/collections/c/search").body(), tenant);
            }
            assertEquals(3, counts.size(), counts.toString());
            counts.values().forEach(c -> assertTrue(c > 200, "a skewed ring: " + counts));
            // The tenant alone in the path counts too; a placement wins over the ring.
            assertEquals(ring.owner("tenant-7").port() + " /v1/tenants/tenant-7", get(nginx.url() + "/v1/tenants/tenant-7").body());
            assertTrue(get(nginx.url() + "/v1/tenants/placed-a/records").body().startsWith(nodes.get(0).port() + " "));
            assertTrue(get(nginx.url() + "/v1/tenants/placed-b").body().startsWith(nodes.get(2).port() + " "));
            // Routes without a tenant.
            HttpResponse<String> health = get(nginx.url() + "/health");
            assertEquals(200, health.statusCode());
            assertTrue(health.body().contains("\"proxy\": \"nginx\""), health.body());
            HttpResponse<String> list = get(nginx.url() + "/v1/tenants");
            assertEquals(400, list.statusCode());
            assertTrue(list.body().contains("route-not-proxied"), list.body());
            assertEquals(nodes.get(2).port() + " /health", get(nginx.url() + "/nodes/2/health").body());
            assertEquals(nodes.get(1).port() + " /metrics", get(nginx.url() + "/nodes/1/metrics").body());
            assertEquals(nodes.get(0).port() + " /v1/tenants?limit=5&cursor=b",
                    get(nginx.url() + "/nodes/0/v1/tenants?limit=5&cursor=b").body());
        }
    }

    @Test
    void badInputIsRefusedWithWhatToDo(@TempDir Path dir) throws Exception {
        Cli.Result twice = Cli.run(dir, "cluster", "nginx-config", "--nodes", "a:1,a:1");
        assertEquals(2, twice.exit(), twice.toString());
        assertTrue(twice.err().contains("a:1 is listed twice"), twice.err());
        Cli.Result noPort = Cli.run(dir, "cluster", "nginx-config", "--nodes", "10.0.0.1");
        assertEquals(2, noPort.exit(), noPort.toString());
        assertTrue(noPort.err().contains("is not host:port"), noPort.err());
        assertThrows(InvalidInputException.class, () -> Node.parse("h:70000", "--nodes"));
        assertThrows(InvalidInputException.class, () -> Node.parse("h/x:80", "--nodes"));
        assertThrows(InvalidInputException.class, () -> Node.parseList("a:1,,b:2", "--nodes"));
        Path placement = dir.resolve("placement");
        Files.writeString(placement, "t1 b:2\n");
        Cli.Result unknown = Cli.run(dir, "cluster", "nginx-config", "--nodes", "a:1", "--placement", placement.toString());
        assertEquals(2, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("not among --nodes"), unknown.err());
        Files.writeString(placement, "t1 a:1\nT2 a:1\n");
        InvalidInputException bad = assertThrows(InvalidInputException.class, () -> Placement.load(placement));
        assertTrue(bad.getMessage().contains("line 2"), bad.getMessage());
        Files.writeString(placement, "t1 a:1\nt1 a:1\n");
        assertThrows(InvalidInputException.class, () -> Placement.load(placement));
        // The owner command agrees with the ring and the placement.
        Files.writeString(placement, "t1 a:1\n");
        Cli.Result owner = Cli.run(dir, "cluster", "owner", "--nodes", "a:1,b:2", "--placement", placement.toString(), "t1", "t2");
        assertEquals(0, owner.exit(), owner.toString());
        assertEquals(List.of("t1 a:1 placed", "t2 " + new HashRing(List.of(Node.parse("a:1", "n"), Node.parse("b:2", "n")))
                .owner("t2") + " ring"), owner.lines());
    }

    @Test
    void placementFileIsWrittenWholeAndReadBack(@TempDir Path dir) {
        Path file = dir.resolve("p");
        Placement.empty().with("b", Node.parse("h:2", "n")).with("a", Node.parse("h:1", "n")).write(file);
        Placement read = Placement.load(file);
        assertEquals(List.of("a", "b"), List.copyOf(read.tenants().keySet()));
        assertEquals(Node.parse("h:2", "n"), read.tenants().get("b"));
        assertTrue(Files.notExists(dir.resolve("p.tmp")));
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
