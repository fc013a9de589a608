package dev.litemem.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which client a URI opens, and the URIs refused (no server needed: an HTTP client connects on its first call). */
class MemoryClientsTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    @ParameterizedTest
    @ValueSource(strings = {"ftp://host/x", "http://127.0.0.1:1/v1/other/agent?key=k", "mailto:x",
            "http://127.0.0.1:1/v1/tenants/Upper?key=k", "http://127.0.0.1:1/v1/tenants/a/collections?key=k"})
    void badUrisAreRefused(String uri) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemoryClients.open(uri));
        assertTrue(e.getMessage().contains("file:") || e.getMessage().contains("/v1/tenants/NAME"), e.getMessage());
    }

    @Test
    void aServerUriNeedsAKey() {
        assumeTrue(System.getenv(MemoryClients.KEY_ENV) == null, "LITEMEM_KEY is set in this environment");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemoryClients.open("http://127.0.0.1:1/v1/tenants/acme"));
        assertTrue(e.getMessage().contains(MemoryClients.KEY_ENV), e.getMessage());
    }

    @Test
    void aServerUriOpensAnHttpClientAndAFileUriTheFile() {
        try (MemoryClient http = MemoryClients.open("https://memory.example:8443/v1/tenants/acme/?key=k%2By")) {
            assertInstanceOf(HttpMemoryClient.class, http);
        }
        LiteMemOptions options = LiteMemOptions.builder().embedder(new WordHashEmbedder()).build();
        String absolute = "file://" + stores.path("absolute.db").toAbsolutePath();
        try (MemoryClient file = MemoryClients.open(absolute, options)) {
            assertInstanceOf(EmbeddedMemoryClient.class, file);
            file.put("notes", Record.of("n1", "kept in the file", Map.of()));
        }
        try (MemoryClient again = MemoryClients.open(absolute, options)) {
            assertEquals("kept in the file", again.get("notes", "n1").orElseThrow().text());
        }
    }
}
