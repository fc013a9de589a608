package dev.litemem.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.server.internal.WarmUp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up warm-up (docs/SERVER.md, "Cold tenants"): first queries of scratch tenants, answered, in a scratch
 * folder that is gone afterwards, with nothing written to the server's data folder. (The test suite turns the warm-up
 * off for the servers other tests start: -Dlitemem.server.warmUpMillis=0.)
 */
class WarmUpTest {
    @TempDir
    Path dir;

    @Test
    void theWarmUpAnswersFirstQueriesOfScratchTenantsAndLeavesNothingBehind() throws IOException {
        List<Path> before = scratchFolders();
        WarmUp.Result r = WarmUp.run(Duration.ofMillis(300));
        assertEquals(0, r.errors(), r.toString());
        assertTrue(r.queries() > 0, "no first query was answered: " + r);
        assertFalse(r.settled(), "300 ms is inside the busy phase, which never counts as caught up: " + r);
        assertTrue(r.millis() < 60_000, "the time limit holds: " + r);
        assertEquals(before, scratchFolders(), "the warm-up's scratch folder is deleted");
    }

    @Test
    void aServerWarmsUpBeforeItListensWithoutTouchingItsDataFolder() throws Exception {
        Path data = dir.resolve("data");
        try (TestServer s = new TestServer(data, b -> b.warmUp(Duration.ofMillis(200)))) {
            assertEquals(200, s.call("GET", "/health", null, null).status());
            assertEquals("[]", s.call("GET", "/v1/tenants", TestServer.ADMIN, null).json().path("tenants").toString(),
                    "no tenant of the warm-up in the data folder");
        }
        try (Stream<Path> files = Files.list(data.resolve("tenants"))) {
            assertEquals(List.of(), files.toList());
        }
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder(data).warmUp(Duration.ofMillis(-1)));
        assertEquals(Duration.ZERO, ServerConfig.builder(data).build().warmUp(),
                "the test suite's -Dlitemem.server.warmUpMillis=0 is the default for builders");
    }

    private static List<Path> scratchFolders() throws IOException {
        try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return tmp.filter(p -> p.getFileName().toString().startsWith("litemem-warm-up-")).sorted().toList();
        }
    }
}
