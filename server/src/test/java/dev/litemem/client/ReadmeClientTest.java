package dev.litemem.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.server.ServerConfig;
import dev.litemem.server.MemoryServer;
import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * README's Java client example compiles and runs as written, in a child JVM, against a file (with the bundled model)
 * and against a real server, chosen by MEMORY_URI alone.
 */
class ReadmeClientTest {
    static final String ADMIN = "readme-client-admin-key-0123456789";
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void theReadmeExampleRunsOnAFileAndOnAServer() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int begin = readme.indexOf("<!-- client:begin -->");
        int end = readme.indexOf("<!-- client:end -->");
        assertTrue(begin >= 0 && end > begin, "README.md marks its client example");
        String block = readme.substring(begin, end);
        Path classes = Files.createDirectories(stores.path("classes"));
        Path source = classes.resolve("AgentMemory.java");
        Files.writeString(source, block.substring(block.indexOf("```java") + 7, block.lastIndexOf("```")));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(0, compiler.run(null, null, errors, "-d", classes.toString(), "-cp",
                System.getProperty("java.class.path"), source.toString()), errors.toString(StandardCharsets.UTF_8));

        String onFile = run(classes, Map.of("MEMORY_URI", "file:agent.db"));
        assertTrue(onFile.contains("Alice prefers short answers"), onFile);
        assertTrue(Files.exists(classes.resolve("agent.db")), "the file is where the URI said");

        try (MemoryServer server = MemoryServer.start(ServerConfig.builder(stores.path("data")).port(0).adminKey(ADMIN)
                .embedder(new WordHashEmbedder()).build())) {
            HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(server.baseUrl() + "/v1/tenants")).header("Authorization", "Bearer " + ADMIN)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"acme\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            String key = new com.fasterxml.jackson.databind.ObjectMapper().readTree(created.body()).get("apiKey").asText();
            String onServer = run(classes, Map.of("MEMORY_URI", server.baseUrl() + "/v1/tenants/acme", "LITEMEM_KEY", key));
            assertTrue(onServer.contains("Alice prefers short answers"), onServer);
        }
    }

    private static String run(Path classes, Map<String, String> env) throws Exception {
        ProcessBuilder b = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", classes + java.io.File.pathSeparator + System.getProperty("java.class.path"),
                "AgentMemory")).directory(classes.toFile()).redirectErrorStream(true);
        b.environment().putAll(env);
        Process p = b.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), output);
        return output;
    }
}
