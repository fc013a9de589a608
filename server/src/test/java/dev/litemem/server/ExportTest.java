package dev.litemem.server;

import static dev.litemem.server.TestServer.ADMIN;
import static dev.litemem.server.TestServer.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.extension.RegisterExtension;
import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Exports are consistent snapshots taken while a client keeps writing. */
class ExportTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void everythingUnderTheDataFolderIsOwnerOnlyEvenAnExportWhileItStreams() throws Exception {
        Path data = stores.path("data");
        try (TestServer s = new TestServer(data)) {
            assertEquals("rw-------", modeOfASnapshotWhileItStreams(s, data, s.createTenant("acme")));
            for (String d : new String[] {"", "tenants", ".exports", ".trash", ".quarantine"}) {
                assertEquals("rwx------", mode(data.resolve(d)), d);
            }
            for (String f : new String[] {"tenants/acme.db", "tenants/acme.key", ".server.lock"}) {
                assertEquals("rw-------", mode(data.resolve(f)), f);
            }
        }
    }

    /** A copy takes its source's mode (LiteMem.exportTo); the server's is owner-only whatever the tenant file's. */
    @Test
    void aSnapshotIsOwnerOnlyEvenWhenTheTenantFileIsNot() throws Exception {
        Path data = stores.path("data");
        try (TestServer s = new TestServer(data)) {
            String key = s.createTenant("acme");
            Files.setPosixFilePermissions(data.resolve("tenants/acme.db"), PosixFilePermissions.fromString("rw-r--r--"));
            assertEquals("rw-------", modeOfASnapshotWhileItStreams(s, data, key));
        }
    }

    /** Fills tenant acme with ~8 MB, then holds an export half-read and returns its snapshot's mode. */
    private static String modeOfASnapshotWhileItStreams(TestServer s, Path data, String key) throws Exception {
        String text = "kiwi ".repeat(12_000);
        for (int batch = 0; batch < 6; batch++) {
            StringBuilder body = new StringBuilder("{\"records\": [");
            for (int i = 0; i < 25; i++) {
                body.append(i == 0 ? "" : ",").append("{\"id\": \"r").append(batch).append('-').append(i)
                        .append("\", \"text\": \"").append(text).append("\"}");
            }
            assertEquals(200, s.call("PUT", records("acme", "big"), key, body + "]}").status());
        }
        // A client that reads the headers, then nothing: the server is left holding the snapshot it streams.
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.setReceiveBufferSize(16 * 1024);
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", s.server.port()));
            socket.getOutputStream().write(("GET /v1/tenants/acme/export HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + ADMIN + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String head = new String(socket.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 200", head);
            List<Path> streaming;
            try (var files = Files.list(data.resolve(".exports"))) {
                streaming = files.toList();
            }
            assertEquals(1, streaming.size(), "the snapshot being streamed");
            return mode(streaming.get(0));
        }
    }

    private static String mode(Path p) throws java.io.IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void exportsTakenDuringWritesAreConsistentPrefixes() throws Exception {
        try (TestServer s = new TestServer(stores.path("data"))) {
            String key = s.createTenant("acme");
            assertEquals(200, s.call("PUT", records("acme", "log"), key, "{\"records\": [{\"id\": \"r00000\", \"text\": \"entry 0\"}]}").status());
            CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
                for (int i = 1; i < 150; i++) {
                    var r = s.call("PUT", records("acme", "log"), key,
                            String.format("{\"records\": [{\"id\": \"r%05d\", \"text\": \"entry %d\"}]}", i, i));
                    assertEquals(200, r.status(), r.body());
                }
                return 150;
            });
            List<Long> counts = new ArrayList<>();
            for (int e = 0; e < 4; e++) {
                var export = s.call("GET", "/v1/tenants/acme/export", ADMIN, null);
                assertEquals(200, export.status());
                Path copy = stores.path("export-" + e + ".db");
                Files.write(copy, export.raw().body());
                try (LiteMem mem = stores.open(copy, LiteMemOptions.builder().embedder(new WordHashEmbedder()).build())) {
                    List<Record> all = mem.collection("log").list(null, 10_000).items();
                    for (int i = 0; i < all.size(); i++) {
                        assertEquals(String.format("r%05d", i), all.get(i).id(), "a snapshot holds a prefix of the writes");
                    }
                    counts.add((long) all.size());
                }
            }
            assertEquals(150, writer.get(120, TimeUnit.SECONDS));
            assertTrue(counts.get(0) >= 1);
            try (var left = Files.list(stores.path("data").resolve(".exports"))) {
                assertEquals(0, left.count(), "snapshots are deleted once streamed");
            }
        }
    }
}
