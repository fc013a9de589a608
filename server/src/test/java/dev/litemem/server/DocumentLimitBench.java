package dev.litemem.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * How long a document past the chunk limit costs the server: {@code DocumentLimitBench REPEATS} starts a server with
 * the bundled model on a temporary folder and posts a 1.43 MB Markdown document of about 1,465 chunks (over the
 * default 1,000) REPEATS times, printing the time to each answer (413). See docs/SERVER.md for the figures.
 */
public final class DocumentLimitBench {
    static final String ADMIN = "document-bench-admin-key-0123456789";

    public static void main(String[] args) throws Exception {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        StringBuilder md = new StringBuilder();
        Random random = new Random(7);
        String[] words = "the kiwi harvest of each plot was counted by hand and written into the ledger before the rain came"
                .split(" ");
        for (int section = 0; md.length() < 1_430_000; section++) {
            md.append("## Section ").append(section).append("\n\n");
            for (int p = 0; p < 3; p++) {
                for (int w = 0; w < 60; w++) {
                    md.append(words[random.nextInt(words.length)]).append(w % 12 == 11 ? ". " : " ");
                }
                md.append("\n\n");
            }
        }
        byte[] body = md.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Path dir = Files.createTempDirectory("document-bench");
        try (MemoryServer s = MemoryServer.start(ServerConfig.builder(dir).port(0).adminKey(ADMIN).build())) {
            HttpClient http = HttpClient.newHttpClient();
            String key = TestServer.JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/v1/tenants"))
                    .header("Authorization", "Bearer " + ADMIN).POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"acme\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body()).get("apiKey").asText();
            URI docs = URI.create(s.baseUrl() + "/v1/tenants/acme/collections/docs/documents?source=");
            http.send(HttpRequest.newBuilder(URI.create(docs + "warm.md")).header("Authorization", "Bearer " + key)
                    .header("Content-Type", "text/markdown").POST(HttpRequest.BodyPublishers.ofString("# Warm\n\nup")).build(),
                    HttpResponse.BodyHandlers.discarding());
            for (int i = 0; i < repeats; i++) {
                long started = System.nanoTime();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(docs + "big.md"))
                        .header("Authorization", "Bearer " + key).header("Content-Type", "text/markdown")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
                System.out.printf("%d bytes: %d after %.2f s%n", body.length, r.statusCode(), (System.nanoTime() - started) / 1e9);
            }
        }
    }
}
