package dev.litemem.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Sets up a load run and serves it until the process is stopped: {@code LoadBench DIR single} (one tenant of 100,000
 * records) or {@code LoadBench DIR many} (1,000 tenants of 1,000 records), 384-dimension random vectors, loaded over
 * HTTP in batches of 1,000 (in the many-tenant run only tenant 0 is loaded; the others start as copies of its file). Writes DIR/wrk-search.lua, which sends vector searches (k 10) to random tenants, and
 * prints the wrk command. See docs/SERVER.md for the figures.
 */
public final class LoadBench {
    static final int DIM = 384;
    static final String ADMIN = "load-bench-admin-key-0123456789";

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        boolean single = args[1].equals("single");
        int tenants = single ? 1 : 1000;
        int perTenant = single ? 100_000 : 1000;
        Path data = dir.resolve("data");
        boolean fresh = !Files.exists(data);
        MemoryServer server = MemoryServer.run(ServerConfig.builder(data).port(Integer.parseInt(args.length > 2 ? args[2] : "18090"))
                .adminKey(ADMIN).maxOpenTenants(single ? 16 : 1000).durability(dev.litemem.Durability.NORMAL).build());
        HttpClient http = HttpClient.newHttpClient();
        Path keysFile = dir.resolve("keys.txt");
        List<String> keys = new ArrayList<>();
        if (fresh) {
            long start = System.nanoTime();
            keys.add(load(http, server.baseUrl(), 0, perTenant));
            if (single) {
                long texts = System.nanoTime();
                loadTexts(http, server.baseUrl(), name(0), keys.get(0), TEXT_RECORDS);
                System.out.printf("embedded and wrote %d text records in %.1f s%n", TEXT_RECORDS,
                        (System.nanoTime() - texts) / 1e9);
            }
            if (tenants > 1) {
                // The other tenants get a copy of tenant 0's file (its export): the same records, each in its own
                // file; loading a million records over HTTP would take most of an hour on a 2-core machine.
                Path snapshot = dir.resolve("tenant-0.db");
                http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/tenants/" + name(0) + "/export"))
                        .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofFile(snapshot));
                ExecutorService pool = Executors.newFixedThreadPool(4);
                List<Future<String>> created = new ArrayList<>();
                for (int t = 1; t < tenants; t++) {
                    int tenant = t;
                    created.add(pool.submit(() -> {
                        String key = createTenant(http, server.baseUrl(), name(tenant));
                        // The new tenant's file is closed (made at creation, not yet opened): replaced by the copy.
                        Files.copy(snapshot, data.resolve("tenants").resolve(name(tenant) + ".db"),
                                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        return key;
                    }));
                }
                for (Future<String> f : created) {
                    keys.add(f.get());
                }
                pool.shutdown();
            }
            Files.write(keysFile, keys);
            System.out.printf("loaded %d tenants x %d records in %.1f s%n", tenants, perTenant, (System.nanoTime() - start) / 1e9);
        } else {
            keys.addAll(Files.readAllLines(keysFile));
        }
        StringBuilder lua = new StringBuilder("local tenants = {\n");
        for (int t = 0; t < tenants; t++) {
            lua.append("  {\"").append(name(t)).append("\", \"").append(keys.get(t)).append("\"},\n");
        }
        String tenantsLua = lua.append("}\n").toString();
        Random random = new Random(7);
        List<String> vectorBodies = new ArrayList<>();
        for (int q = 0; q < 64; q++) {
            vectorBodies.add(searchBody(random));
        }
        Files.writeString(dir.resolve("wrk-search.lua"), script(tenantsLua, "bench", vectorBodies));
        System.out.println("ready: wrk -t2 -c16 -d30s --latency -s " + dir.resolve("wrk-search.lua") + " " + server.baseUrl());
        if (single) {
            Random words = new Random(13);
            List<String> keyword = new ArrayList<>();
            List<String> hybrid = new ArrayList<>();
            for (int q = 0; q < 64; q++) {
                String text = WORDS[words.nextInt(WORDS.length)] + " " + WORDS[words.nextInt(WORDS.length)] + " "
                        + WORDS[words.nextInt(WORDS.length)];
                keyword.add("{\"text\": \"" + text + "\", \"mode\": \"keyword\", \"k\": 10}");
                hybrid.add("{\"text\": \"" + text + "\", \"mode\": \"hybrid\", \"k\": 10}");
            }
            Files.writeString(dir.resolve("wrk-keyword.lua"), script(tenantsLua, "docs", keyword));
            Files.writeString(dir.resolve("wrk-hybrid.lua"), script(tenantsLua, "docs", hybrid));
            System.out.println("also: wrk-keyword.lua and wrk-hybrid.lua (collection docs: " + TEXT_RECORDS
                    + " texts embedded by the bundled model)");
        }
    }

    /** A wrk script sending one of {@code bodies} to the search route of {@code collection} of a random tenant. */
    private static String script(String tenantsLua, String collection, List<String> bodies) {
        StringBuilder lua = new StringBuilder(tenantsLua).append("local bodies = {\n");
        for (String body : bodies) {
            lua.append("  '").append(body).append("',\n");
        }
        return lua.append("}\nmath.randomseed(11)\n")
                .append("request = function()\n")
                .append("  local t = tenants[math.random(#tenants)]\n")
                .append("  local path = \"/v1/tenants/\" .. t[1] .. \"/collections/").append(collection).append("/search\"\n")
                .append("  local headers = {[\"Authorization\"] = \"Bearer \" .. t[2], [\"Content-Type\"] = \"application/json\"}\n")
                .append("  return wrk.format(\"POST\", path, headers, bodies[math.random(#bodies)])\n")
                .append("end\n")
                .append("response = function(status, headers, body)\n")
                .append("  if status ~= 200 then error(\"status \" .. status) end\n")
                .append("end\n").toString();
    }

    /** Text records of a few words each from a small vocabulary, embedded by the server's (bundled) model. */
    static final int TEXT_RECORDS = 10_000;
    static final String[] WORDS = ("alpha amber anchor apple arrow autumn badge basin beacon berry birch blossom bridge"
            + " cable canyon carbon cedar chalk cinder clover cobalt comet copper coral crane crystal delta desert dune"
            + " eagle ember falcon fern fjord forest fossil garnet geyser glacier granite harbor hazel heron island ivory"
            + " jade jasmine kelp lagoon lantern lava lemon lichen lily maple marble meadow mesa mint moss nectar nickel"
            + " oak ocean olive onyx opal orchid otter pebble pepper pine plume prairie quartz raven reef ridge river"
            + " saffron sage salmon sand scarlet shale silver slate spruce stone summit thistle thunder tide timber topaz"
            + " tulip tundra valley velvet violet walnut willow winter zephyr").split(" ");

    private static void loadTexts(HttpClient http, String base, String name, String key, int count)
            throws IOException, InterruptedException {
        Random random = new Random(17);
        for (int from = 0; from < count; from += 500) {
            StringBuilder body = new StringBuilder("{\"records\": [");
            for (int i = from; i < Math.min(count, from + 500); i++) {
                StringBuilder text = new StringBuilder("note " + i + ":");
                for (int w = 0; w < 12; w++) {
                    text.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
                }
                body.append(i == from ? "" : ",").append("{\"id\": \"t").append(i).append("\", \"text\": \"")
                        .append(text).append("\"}");
            }
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + TestServer.records(name, "docs")))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(body.append("]}").toString())).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("loading texts failed: " + r.statusCode() + " " + r.body());
            }
        }
    }

    static String name(int t) {
        return String.format("bench-%04d", t);
    }

    static String searchBody(Random random) {
        return "{\"vector\": " + vector(random) + ", \"k\": 10}";
    }

    static String vector(Random random) {
        StringBuilder v = new StringBuilder("[");
        for (int i = 0; i < DIM; i++) {
            v.append(i == 0 ? "" : ",").append(String.format("%.5f", random.nextGaussian()));
        }
        return v.append("]").toString();
    }

    private static String createTenant(HttpClient http, String base, String name) throws IOException, InterruptedException {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/tenants"))
                .header("Authorization", "Bearer " + ADMIN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"" + name + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        return TestServer.JSON.readTree(created.body()).get("apiKey").asText();
    }

    private static String load(HttpClient http, String base, int tenant, int count) throws IOException, InterruptedException {
        String name = name(tenant);
        String key = createTenant(http, base, name);
        Random random = new Random(tenant);
        for (int from = 0; from < count; from += 1000) {
            StringBuilder body = new StringBuilder("{\"records\": [");
            for (int i = from; i < Math.min(count, from + 1000); i++) {
                body.append(i == from ? "" : ",").append("{\"id\": \"r").append(i).append("\", \"metadata\": {\"n\": ")
                        .append(i).append("}, \"vector\": ").append(vector(random)).append("}");
            }
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + TestServer.records(name, "bench")))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(body.append("]}").toString())).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("loading failed: " + r.statusCode() + " " + r.body());
            }
        }
        return key;
    }
}
